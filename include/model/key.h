/*
 * key.h - KFP's cache fingerprint, bit for bit: the CacheKey message as
 * protojson prints it, re-marshalled by Go's encoding/json (sorted keys, Go
 * string escaping, Go float formatting), hashed with SHA-256 (libcrypto).
 * Models backend/src/v2/cacheutils/cache.go and driver/cache.go.
 */
#ifndef KFPCACHE_KEY_H
#define KFPCACHE_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "load/node.h"
#include "model/canon.h"

struct key_outart {
	const char *name;
	const struct node *artifact_type;  /* {schemaTitle|schemaUri|instanceSchema, schemaVersion} or NULL */
	const struct node *metadata;       /* struct, or NULL when absent */
};

struct key_spec {
	size_t nparams;                        /* inputParameterValues */
	const char *const *param_names;
	const struct node *const *param_values;
	size_t nartifacts;                     /* inputArtifactNames */
	const char *const *artifact_names;
	const char *const *const *artifact_ids; /* per input: list of MLMD ids */
	const size_t *artifact_counts;
	size_t noutarts;                       /* outputArtifactsSpec */
	const struct key_outart *outarts;
	bool publish_logs;                     /* adds "executor-logs" */
	size_t noutparams;                     /* outputParametersSpec */
	const char *const *outparam_names;
	const char *const *outparam_types;     /* e.g. "STRING" */
	const char *image;                     /* containerSpec */
	size_t ncmdargs;
	const char *const *cmdargs;
	size_t npvc;                           /* as given: the driver sorts */
	const char *const *pvc_names;
	/*
	 * containerSpec.env (backend master, PR #14340): the container's env
	 * entries in spec order, repeats kept; NULL name/value = unset.
	 */
	size_t nenv;
	const char *const *env_names;
	const char *const *env_values;
};

/*
 * The canonical CacheKey JSON text (appended to out) and its fingerprint
 * (64 hex + NUL).  Names repeated within one map keep their last entry;
 * with publish_logs the driver's "executor-logs" entry replaces a component
 * output of that name.  Fails, recording "<what> '<name>': <reason>" and leaving out as it
 * was, on what protojson rejects: NaN/Inf, invalid UTF-8, a NULL parameter
 * value, an artifact type setting two oneof members or a non-string one, or
 * metadata that is not a map.
 */
int key_canonical(struct strbuf *out, const struct key_spec *k);
int key_fingerprint(char out[65], const struct key_spec *k);

/* Custom key: sha256(componentRef ‖ 0x00 ‖ cacheKey); no NUL when ref is "". */
void key_custom_fingerprint(char out[65], const char *component_ref,
			    const char *cache_key);

void key_sha256_hex(char out[65], const void *data, size_t len);

/* Sort and deduplicate PVC names in place as the driver does; new count. */
size_t key_sort_pvc(const char **names, size_t n);

#endif
