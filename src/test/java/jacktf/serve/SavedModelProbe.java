package jacktf.serve;

import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/** A fresh JVM that loads a SavedModel with plain TF Java and prints its probabilities. */
public final class SavedModelProbe {
    public static void main(String[] args) throws Exception {
        try (SavedModelBundle bundle = SavedModelBundle.load(args[0], "serve")) {
            for (int i = 1; i < args.length; i++) {
                byte[] image = Files.readAllBytes(Path.of(args[i]));
                try (TString in = TString.tensorOfBytes(NdArrays.vectorOfObjects(new byte[][] {image}));
                        Result r = bundle.session()
                                .runner()
                                .feed("image_bytes:0", in)
                                .fetch("probabilities:0")
                                .run()) {
                    TFloat32 p = (TFloat32) r.get(0);
                    StringBuilder line = new StringBuilder();
                    for (int c = 0; c < p.shape().get(1); c++) {
                        line.append(c == 0 ? "" : " ").append(p.getFloat(0, c));
                    }
                    System.out.println(line);
                }
            }
        }
    }
}
