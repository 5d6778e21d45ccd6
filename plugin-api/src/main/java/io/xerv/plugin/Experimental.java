package io.xerv.plugin;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.annotation.ElementType;

/**
 * Marks a part of the plugin contract that may change in a minor release. Plugins may use it; they
 * should expect to be rebuilt when it changes.
 */
@Stable
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface Experimental {
    /** The release in which this part is expected to become stable, or empty when unknown. */
    String eta() default "";
}
