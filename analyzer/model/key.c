/*
 * key.c - the cache fingerprint of one container task (stage "key"): the
 * CacheKey message printed as KFP's cacheutils.GenerateCacheKey +
 * GenerateFingerPrint would (backend/src/v2/cacheutils/cache.go), the custom
 * cacheKey shortcut and the PVC-name normalisation of driver/cache.go.
 */
#include "model/key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/banned.h"

#define EXECUTOR_LOGS "executor-logs"

struct name_ent {
	const char *name;
	size_t idx;
};

static int name_ent_cmp(const void *pa, const void *pb)
{
	const struct name_ent *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/*
 * The indexes of names[0..n) in byte order of the names, a repeated name
 * keeping only its last occurrence (Go map assignment; encoding/json sorts
 * map keys byte-wise).  NULL names count as "".  *out is malloc'd.
 */
static size_t map_order(size_t **out, const char *const *names, size_t n)
{
	struct name_ent *ents = xreallocarray(NULL, n ? n : 1, sizeof(*ents));
	size_t *idx = xreallocarray(NULL, n ? n : 1, sizeof(*idx));
	size_t i, count = 0;

	for (i = 0; i < n; i++) {
		ents[i].name = names[i] ? names[i] : "";
		ents[i].idx = i;
	}
	qsort(ents, n, sizeof(*ents), name_ent_cmp);
	for (i = 0; i < n; i++)
		if (i + 1 == n || strcmp(ents[i].name, ents[i + 1].name))
			idx[count++] = ents[i].idx;
	free(ents);
	*out = idx;
	return count;
}

static int add_str(struct strbuf *sb, const char *s)
{
	return canon_string(sb, s ? s : "", s ? strlen(s) : 0);
}

/* Prefix the recorded error with where it happened ("position first"). */
static int err_at(const char *what, const char *name)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s", err_msg());
	return err_set("%s '%s': %s", what, name ? name : "", msg);
}

/* A string list as protojson prints a repeated string field. */
static int add_str_list(struct strbuf *sb, const char *const *v, size_t n)
{
	size_t i;

	sb_addc(sb, '[');
	for (i = 0; i < n; i++) {
		if (i)
			sb_addc(sb, ',');
		if (add_str(sb, v[i]) < 0)
			return -1;
	}
	sb_addc(sb, ']');
	return 0;
}

/*
 * PR #14340 (master after 2.17) keys the container's env as a repeated
 * PipelineContainerSpec.EnvVar, passed through in spec order without
 * sorting or dropping repeats (its review, 2026-09-15: "the key now retains
 * the original repeated EnvVar entries").  protojson prints each entry as
 * {"name","value"} (byte order), leaving out an empty string, and omits an
 * empty list: a task without env keeps its old fingerprint.
 */
static int add_env_list(struct strbuf *sb, const struct key_spec *k)
{
	size_t i;

	sb_adds(sb, "[");
	for (i = 0; i < k->nenv; i++) {
		const char *name = k->env_names[i], *value = k->env_values[i];
		bool has_name = name && *name;

		sb_adds(sb, i ? ",{" : "{");
		if (has_name) {
			sb_adds(sb, "\"name\":");
			if (add_str(sb, name) < 0)
				return -1;
		}
		if (value && *value) {
			sb_adds(sb, has_name ? ",\"value\":" : "\"value\":");
			if (add_str(sb, value) < 0)
				return -1;
		}
		sb_addc(sb, '}');
	}
	sb_addc(sb, ']');
	return 0;
}

/* ContainerSpec{cmdArgs, env, image, pvcNames}: always present, maybe {}. */
static int add_container_spec(struct strbuf *sb, const struct key_spec *k)
{
	bool first = true;

	sb_adds(sb, "\"containerSpec\":{");
	if (k->ncmdargs) {
		sb_adds(sb, "\"cmdArgs\":");
		if (add_str_list(sb, k->cmdargs, k->ncmdargs) < 0)
			return err_at("container", "cmdArgs");
		first = false;
	}
	if (k->nenv) {
		sb_adds(sb, first ? "\"env\":" : ",\"env\":");
		if (add_env_list(sb, k) < 0)
			return err_at("container", "env");
		first = false;
	}
	if (k->image && *k->image) {
		sb_adds(sb, first ? "\"image\":" : ",\"image\":");
		if (add_str(sb, k->image) < 0)
			return err_at("container", "image");
		first = false;
	}
	/* Passed through unsorted: cacheutils hashes what the driver gives. */
	if (k->npvc) {
		sb_adds(sb, first ? "\"pvcNames\":" : ",\"pvcNames\":");
		if (add_str_list(sb, k->pvc_names, k->npvc) < 0)
			return err_at("container", "pvcNames");
	}
	sb_addc(sb, '}');
	return 0;
}

static int add_input_artifacts(struct strbuf *sb, const struct key_spec *k)
{
	size_t *order, count = map_order(&order, k->artifact_names, k->nartifacts);
	size_t i;
	int ret = -1;

	sb_adds(sb, ",\"inputArtifactNames\":{");
	for (i = 0; i < count; i++) {
		size_t j = order[i];
		size_t nids = k->artifact_counts ? k->artifact_counts[j] : 0;

		if (i)
			sb_addc(sb, ',');
		if (add_str(sb, k->artifact_names[j]) < 0) {
			err_at("input artifact", k->artifact_names[j]);
			goto done;
		}
		sb_addc(sb, ':');
		/* ArtifactNameList with no ids is a non-nil empty message: {}. */
		if (!nids) {
			sb_adds(sb, "{}");
			continue;
		}
		sb_adds(sb, "{\"artifactNames\":");
		if (add_str_list(sb, k->artifact_ids[j], nids) < 0) {
			err_at("input artifact", k->artifact_names[j]);
			goto done;
		}
		sb_addc(sb, '}');
	}
	sb_addc(sb, '}');
	ret = 0;
done:
	free(order);
	return ret;
}

static int add_input_params(struct strbuf *sb, const struct key_spec *k)
{
	size_t *order, count = map_order(&order, k->param_names, k->nparams);
	size_t i;
	int ret = -1;

	sb_adds(sb, ",\"inputParameterValues\":{");
	for (i = 0; i < count; i++) {
		size_t j = order[i];

		if (i)
			sb_addc(sb, ',');
		if (add_str(sb, k->param_names[j]) < 0) {
			err_at("input parameter", k->param_names[j]);
			goto done;
		}
		sb_addc(sb, ':');
		if (canon_json(sb, k->param_values[j]) < 0) {
			err_at("input parameter", k->param_names[j]);
			goto done;
		}
	}
	sb_addc(sb, '}');
	ret = 0;
done:
	free(order);
	return ret;
}

/*
 * ArtifactTypeSchema: exactly the set member of the oneof kind
 * (schemaTitle | schemaUri | instanceSchema), printed even when "", then
 * schemaVersion when non-empty.  Other keys are not part of the message.
 */
static int add_artifact_type(struct strbuf *sb, const struct node *t)
{
	static const char *const kinds[] = {
		"instanceSchema", "schemaTitle", "schemaUri"	/* byte order */
	};
	const struct node *set = NULL, *ver;
	const char *set_name = NULL;
	size_t i;

	if (!node_is_map(t))
		return err_set("artifact type is a %s, not a map",
			       node_type_name(t->type));
	for (i = 0; i < KC_ARRAY_SIZE(kinds); i++) {
		const struct node *v = node_get(t, kinds[i]);

		if (!v || v->type == NODE_NULL)
			continue;
		if (v->type != NODE_STRING)
			return err_set("artifact type %s is a %s, not a string",
				       kinds[i], node_type_name(v->type));
		if (set)
			return err_set("artifact type sets both %s and %s",
				       set_name, kinds[i]);
		set = v;
		set_name = kinds[i];
	}
	ver = node_get(t, "schemaVersion");
	if (ver && ver->type != NODE_NULL && ver->type != NODE_STRING)
		return err_set("artifact type schemaVersion is a %s, not a string",
			       node_type_name(ver->type));

	sb_addc(sb, '{');
	if (set) {
		sb_addf(sb, "\"%s\":", set_name);
		if (canon_string(sb, set->str, set->len) < 0)
			return -1;
	}
	if (ver && ver->type == NODE_STRING && ver->len) {
		sb_adds(sb, set ? ",\"schemaVersion\":" : "\"schemaVersion\":");
		if (canon_string(sb, ver->str, ver->len) < 0)
			return -1;
	}
	sb_addc(sb, '}');
	return 0;
}

/* RuntimeArtifact with the URI wiped: {metadata?, name?, type?}. */
static int add_runtime_artifact(struct strbuf *sb, const struct key_outart *a)
{
	bool first = true;

	sb_addc(sb, '{');
	if (a->metadata) {
		if (!node_is_map(a->metadata))
			return err_set("metadata is a %s, not a map",
				       node_type_name(a->metadata->type));
		sb_adds(sb, "\"metadata\":");
		if (canon_json(sb, a->metadata) < 0)
			return -1;
		first = false;
	}
	if (a->name && *a->name) {
		sb_adds(sb, first ? "\"name\":" : ",\"name\":");
		if (add_str(sb, a->name) < 0)
			return -1;
		first = false;
	}
	if (a->artifact_type) {
		sb_adds(sb, first ? "\"type\":" : ",\"type\":");
		if (add_artifact_type(sb, a->artifact_type) < 0)
			return -1;
	}
	sb_addc(sb, '}');
	return 0;
}

/*
 * provisionOutputs (driver/driver.go) writes "executor-logs" into the
 * component's output map, so it replaces a component output of that name:
 * the logs entry is the last slot and map_order keeps the last occurrence.
 */
static int add_output_artifacts(struct strbuf *sb, const struct key_spec *k)
{
	size_t n = k->noutarts + (k->publish_logs ? 1 : 0);
	const char **names = xreallocarray(NULL, n ? n : 1, sizeof(*names));
	size_t *order = NULL, count, i;
	int ret = -1;

	for (i = 0; i < k->noutarts; i++)
		names[i] = k->outarts[i].name;
	if (k->publish_logs)
		names[k->noutarts] = EXECUTOR_LOGS;
	count = map_order(&order, names, n);

	sb_adds(sb, ",\"outputArtifactsSpec\":{");
	for (i = 0; i < count; i++) {
		size_t j = order[i];

		if (i)
			sb_addc(sb, ',');
		if (j == k->noutarts) {
			sb_adds(sb, "\"" EXECUTOR_LOGS "\":{\"name\":\"" EXECUTOR_LOGS
				"\",\"type\":{\"schemaTitle\":\"system.Artifact\"}}");
			continue;
		}
		if (add_str(sb, names[j]) < 0)
			goto fail;
		sb_addc(sb, ':');
		if (add_runtime_artifact(sb, &k->outarts[j]) < 0)
			goto fail;
	}
	sb_addc(sb, '}');
	ret = 0;
	goto done;
fail:
	err_at("output artifact", names[order[i]]);
done:
	free(order);
	free(names);
	return ret;
}

static int add_output_params(struct strbuf *sb, const struct key_spec *k)
{
	size_t *order, count = map_order(&order, k->outparam_names, k->noutparams);
	size_t i;
	int ret = -1;

	sb_adds(sb, ",\"outputParametersSpec\":{");
	for (i = 0; i < count; i++) {
		size_t j = order[i];

		if (i)
			sb_addc(sb, ',');
		/* Map values print even when empty. */
		if (add_str(sb, k->outparam_names[j]) < 0)
			goto fail;
		sb_addc(sb, ':');
		if (add_str(sb, k->outparam_types[j]) < 0)
			goto fail;
	}
	sb_addc(sb, '}');
	ret = 0;
	goto done;
fail:
	err_at("output parameter", k->outparam_names[order[i]]);
done:
	free(order);
	return ret;
}

/*
 * Top-level keys in byte order; containerSpec is always set by the driver,
 * the maps print only when non-empty (protojson presence), and the
 * deprecated inputParameters field is never set.
 */
int key_canonical(struct strbuf *out, const struct key_spec *k)
{
	size_t start = out->len;

	sb_addc(out, '{');
	if (add_container_spec(out, k) < 0)
		goto fail;
	if (k->nartifacts && add_input_artifacts(out, k) < 0)
		goto fail;
	if (k->nparams && add_input_params(out, k) < 0)
		goto fail;
	if ((k->noutarts || k->publish_logs) && add_output_artifacts(out, k) < 0)
		goto fail;
	if (k->noutparams && add_output_params(out, k) < 0)
		goto fail;
	sb_addc(out, '}');
	return 0;
fail:
	if (out->buf) {
		out->len = start;
		out->buf[start] = '\0';
	}
	return -1;
}

int key_fingerprint(char out[65], const struct key_spec *k)
{
	struct strbuf sb = STRBUF_INIT;

	if (key_canonical(&sb, k) < 0) {
		sb_release(&sb);
		return -1;
	}
	key_sha256_hex(out, sb.buf, sb.len);
	sb_release(&sb);
	return 0;
}

void key_sha256_hex(char out[65], const void *data, size_t len)
{
	crypto_sha256_hex(out, &data, &len, 1);
}

/* driver/cache.go: componentRef.name, a NUL separator, then the key. */
void key_custom_fingerprint(char out[65], const char *component_ref,
			    const char *cache_key)
{
	const char *ref = component_ref ? component_ref : "";
	const char *key = cache_key ? cache_key : "";
	const void *parts[3] = { ref, "", key };
	size_t lens[3] = { strlen(ref), 1, strlen(key) };

	if (!*ref)
		crypto_sha256_hex(out, parts + 2, lens + 2, 1);
	else
		crypto_sha256_hex(out, parts, lens, 3);
}

/* driver/cache.go: dedupe, then sort.Strings (byte order). */
size_t key_sort_pvc(const char **names, size_t n)
{
	size_t i, count = 0;

	if (!n)
		return 0;
	qsort(names, n, sizeof(*names), kc_strcmp_ptr);
	for (i = 0; i < n; i++)
		if (!count || strcmp(names[count - 1], names[i]))
			names[count++] = names[i];
	return count;
}
