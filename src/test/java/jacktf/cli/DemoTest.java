package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jacktf.checkpoint.Checkpoint;
import jacktf.data.ImageFolder;
import jacktf.report.EventFiles;
import jacktf.serve.Classifier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, end to end, with every artifact checked. */
@Tag("slow")
class DemoTest {

  @Test
  void quickDemoProducesEveryArtifact(@TempDir Path work) throws Exception {
    CliTest.Run r = CliTest.run("demo", "--quick", "--workdir", work.toString());
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("Done in"), r.out());

    try (Checkpoint pretrained = Checkpoint.open(work.resolve("models/resnet_v1_50_shapes"))) {
      assertTrue(pretrained.find("resnet_v1_50/block4/unit_3/bottleneck_v1/conv3/weights").isPresent());
      assertEquals(4, pretrained.find("resnet_v1_50/logits/biases").orElseThrow().shape()[0]);
    }
    Path trainDir = work.resolve("demo/train/cats_vs_dogs");
    try (Checkpoint tuned = Checkpoint.open(trainDir)) {
      assertEquals(2, tuned.find("resnet_v1_50/logits/biases").orElseThrow().shape()[0]);
    }
    Set<String> tags = EventFiles.scalars(trainDir).stream().map(EventFiles.Scalar::tag).collect(Collectors.toSet());
    assertTrue(tags.containsAll(List.of("total_loss", "losses/cross_entropy", "learning_rate", "accuracy")), tags.toString());
    Set<String> evalTags = EventFiles.scalars(trainDir.resolve("eval")).stream().map(EventFiles.Scalar::tag)
        .collect(Collectors.toSet());
    assertTrue(evalTags.containsAll(List.of("accuracy", "eval/Accuracy", "eval/Recall_5")), evalTags.toString());

    Path features = work.resolve("demo/features/cats_vs_dogs");
    assertTrue(Files.size(features.resolve("features.npy")) > 2048 * 4);
    assertTrue(Files.exists(features.resolve("projector/projector_config.pbtxt")));

    try (Classifier classifier = Classifier.load(work.resolve("savedmodels/cats_vs_dogs"))) {
      Path image = ImageFolder.load(work.resolve("demo/data/cats_vs_dogs"), 0, 0).train().examples().get(0).file();
      Classifier.Prediction p = classifier.classify(Files.readAllBytes(image));
      assertEquals(List.of("crescent", "stripes"), classifier.classNames());
      assertEquals(1.0, p.scores().stream().mapToDouble(Classifier.Score::probability).sum(), 1e-5);
    }
  }
}
