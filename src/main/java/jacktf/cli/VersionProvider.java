package jacktf.cli;

import org.tensorflow.TensorFlow;
import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {
            "jacktf " + (version == null ? "(development build)" : version), "TensorFlow " + TensorFlow.version()
        };
    }
}
