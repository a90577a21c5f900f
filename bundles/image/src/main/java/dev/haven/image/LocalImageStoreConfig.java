package dev.haven.image;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Haven local image store", description = "Checkpoint images in a local directory")
@interface LocalImageStoreConfig {

    @AttributeDefinition(description = "Directory of the images; empty means haven.home/images")
    String directory() default "";

    @AttributeDefinition(min = "1", description = "Images kept per partition; older ones are removed after each commit")
    int keep() default 5;
}
