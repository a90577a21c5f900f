package dev.haven.accounting;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Haven accounting", description = "Accounting engines, buffers and files")
@interface AccountingConfig {

    @AttributeDefinition(description = "Interval of interval and summary records until acct:interval sets one (s)")
    long interval_s() default 60;

    @AttributeDefinition(description = "Records each engine's buffer holds before it drops them")
    int buffer_records() default 4096;

    @AttributeDefinition(description = "Pre-allocated accounting data files under haven.home/acct")
    int files() default 4;

    @AttributeDefinition(description = "Size of each accounting data file (bytes)")
    long file_size() default 1048576;

    @AttributeDefinition(description = "How often buffered records are written to the files (ms)")
    long write_ms() default 500;
}
