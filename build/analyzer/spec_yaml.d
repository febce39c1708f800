build/analyzer/spec_yaml.o: analyzer/spec_yaml.c include/spec.h \
 include/node.h include/util.h include/banned.h
include/spec.h:
include/node.h:
include/util.h:
include/banned.h:
