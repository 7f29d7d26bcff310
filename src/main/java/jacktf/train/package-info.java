/**
 * Training, the Java form of slim's {@code train_image_classifier.py}: {@link jacktf.train.TrainConfig}
 * says what to train, {@link jacktf.train.Trainer} runs it (resume or warm start, the step loop,
 * validation, checkpoints, summaries) and reports through {@link jacktf.train.TrainingListener}
 * events ({@link jacktf.train.StepEvent}, {@link jacktf.train.ValidationResult},
 * {@link jacktf.train.TrainResult}); {@link jacktf.train.TrainingSteps} runs the same training graph
 * for timed steps (what {@code bench} measures). Inside: the graph built in slim's sections
 * (TrainingGraph), optimizers and learning-rate schedules, the feature cache, summaries.
 *
 * <p>Imports config, runtime, model, checkpoint, data and cluster; eval, export, serve, report,
 * bench and cli build on it.
 */
package jacktf.train;
