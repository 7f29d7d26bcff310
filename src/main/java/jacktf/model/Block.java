package jacktf.model;

import java.util.ArrayList;
import java.util.List;

/**
 * One ResNet block as slim's {@code resnet_v1_block}: {@code numUnits} bottleneck units of depth
 * {@code 4 * baseDepth}; only the last unit is strided.
 */
public record Block(String scope, int baseDepth, int numUnits, int stride) {

    /** One bottleneck unit's arguments. */
    public record Unit(int depth, int depthBottleneck, int stride) {}

    public List<Unit> units() {
        List<Unit> units = new ArrayList<>(numUnits);
        for (int i = 0; i < numUnits; i++) {
            units.add(new Unit(4 * baseDepth, baseDepth, i == numUnits - 1 ? stride : 1));
        }
        return units;
    }
}
