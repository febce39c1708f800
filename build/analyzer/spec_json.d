build/analyzer/spec_json.o: analyzer/spec_json.c include/spec.h \
 include/node.h include/util.h /usr/include/cjson/cJSON.h \
 include/banned.h
include/spec.h:
include/node.h:
include/util.h:
/usr/include/cjson/cJSON.h:
include/banned.h:
