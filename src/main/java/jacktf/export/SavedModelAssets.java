package jacktf.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AssetFileDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TString;

/**
 * Registers files of {@code assets/} as assets of a SavedModel, as TF's own builder does: a string
 * constant in the graph holding the file name, and an {@code AssetFileDef} naming that tensor and
 * the file in the MetaGraph. TF's loader feeds the tensor the file's full path at load, and TF
 * Serving and Python list it as an asset. TF Java's exporter has no asset API, so the MetaGraph
 * in {@code saved_model.pb} is edited through TF Java's proto classes after the export.
 */
final class SavedModelAssets {
    private SavedModelAssets() {}

    /** The tensor name of the constant {@link #addConstant} creates for {@code fileName}. */
    static String tensorName(String fileName) {
        return opName(fileName) + ":0";
    }

    private static String opName(String fileName) {
        return "asset_filepath_" + fileName.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** Adds the file-name constant to the graph; call before the graph is exported. */
    static Operand<TString> addConstant(Graph graph, String fileName) {
        return Ops.create(graph).withName(opName(fileName)).constant(fileName);
    }

    /** Adds an AssetFileDef for {@code fileName} to every MetaGraph of the SavedModel in {@code dir}. */
    static void register(Path dir, String fileName) throws IOException {
        Path pb = dir.resolve("saved_model.pb");
        SavedModel model;
        try (InputStream in = Files.newInputStream(pb)) {
            model = SavedModel.parseFrom(in);
        }
        AssetFileDef asset = AssetFileDef.newBuilder()
                .setTensorInfo(TensorInfo.newBuilder()
                        .setName(tensorName(fileName))
                        .setDtype(DataType.DT_STRING)
                        .setTensorShape(TensorShapeProto.getDefaultInstance()))
                .setFilename(fileName)
                .build();
        SavedModel.Builder edited = model.toBuilder();
        for (MetaGraphDef.Builder meta : edited.getMetaGraphsBuilderList()) {
            meta.addAssetFileDef(asset);
        }
        Files.write(pb, edited.build().toByteArray());
    }
}
