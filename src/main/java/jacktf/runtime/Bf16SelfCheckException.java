package jacktf.runtime;

import jacktf.config.JacktfException;

/**
 * bf16 refused: this CPU's bfloat16 kernels disagree with float32 ({@link Bf16SelfCheck}); the message names
 * what disagreed, the CPU and kernel path, and the ways out.
 */
public final class Bf16SelfCheckException extends JacktfException {
    private static final long serialVersionUID = 1L;

    public Bf16SelfCheckException(String message) {
        super(message);
    }
}
