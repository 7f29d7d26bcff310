/**
 * The train dir as a type: {@link jacktf.traindir.TrainDir} owns its layout (checkpoints and the
 * {@code checkpoint} file, {@code labels.txt}, {@code jacktf.properties}, {@code train_plan.json},
 * {@code eval/} with {@code metrics.json}, the event files, {@code report.html}) and the reading and
 * writing of each file, plus the writer lock ({@link jacktf.traindir.WriterLock}) that keeps a
 * second process from writing the same dir. {@link jacktf.traindir.ModelInfo} and
 * {@link jacktf.traindir.TrainingPlan} are the model metadata and run plan stored there.
 *
 * <p>Imports config, runtime, checkpoint and data; train, eval, export, serve, report and cli use it
 * instead of resolving paths themselves.
 */
package jacktf.traindir;
