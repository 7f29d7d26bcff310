package jacktf.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link java.nio.file.Path} parameter that {@link JacktfExtension} fills with a fresh train
 * directory: a path that does not exist yet (the Trainer creates it) inside a temporary directory
 * that is deleted, with everything trained into it, after the test (or, for a {@code @BeforeAll}
 * method or constructor, after the test class).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface TrainDir {}
