#!/usr/bin/env bash
# Checks the Kubernetes manifests offline (no cluster needed). Renders every overlay
# (K8S_DIR/overlays/*) with `kubectl kustomize`, then reports, one line per problem:
#   - unknown fields and wrong types in every object:
#       built-in kinds: the JSON schemas of npm kubernetes-models@4 check the types, and every
#       key those schemas never looked at is an unknown field; workloads (objects with a pod
#       template) also go through kubectl's typed decoder (the API server's Go structs), which
#       rejects wrong types and drops unknown fields (`kubectl set env --local ... -o json`);
#       ServiceMonitor (a CRD, no schema here): its keys are checked against a list;
#   - invariants: readiness and liveness probes on every Deployment container (liveness not on
#     the database-bound gRPC health), non-root, read-only root file system, no privilege
#     escalation, capabilities dropped, seccomp, requests and limits, image tagged and not
#     `latest` (in prod: a version or a digest), no Secret shipped in prod, the migration Job,
#     HPA, PDB, NetworkPolicy and ServiceMonitor present, Services selecting pods,
#     terminationGracePeriodSeconds > ROLECALL_SHUTDOWN_GRACE_SECONDS;
#   - probes on the port ROLECALL_HEALTH_LISTEN names (plaintext health only) when it is set;
#     otherwise a gRPC probe on the ROLECALL_LISTEN port, which must not serve TLS (the kubelet's
#     gRPC probe cannot); in prod ROLECALL_HEALTH_LISTEN set and readiness the gRPC health;
#   - in prod, TLS: ROLECALL_TLS_CERT and ROLECALL_TLS_KEY are files in a volume mounted
#     read-only from a Secret, ROLECALL_PLAINTEXT is not true;
#   - the database URL from Secret key `migrate-url` (schema owner) in the migration Job and
#     `serve-url` (least-privilege role) in the Deployment, which does not migrate itself; a
#     shipped Secret holds the keys.
# Exit 0 when all is well, 1 on any problem, 2 when it cannot run.
#
# usage: scripts/check-manifests.sh [K8S_DIR]        (default: deploy/k8s)
# Needs kubectl (with its built-in kustomize), node and npm; installs kubernetes-models under
# .rolecall/tools/k8s on first use. Overlays whose name starts with "prod" get the stricter
# image rule and must not contain a Secret.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
k8s=${1:-$top/deploy/k8s}
tools="$top/.rolecall/tools/k8s"

die() {
  echo "check-manifests: $*" >&2
  exit 2
}
for tool in kubectl node npm; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
[ -d "$k8s/overlays" ] || die "no overlays directory in $k8s"
# Pinned, so that every machine judges the same way. Its schemas follow Kubernetes 1.33: a field
# newer than that reads as unknown until this version is raised.
models=kubernetes-models@4.5.1
if [ ! -d "$tools/node_modules/kubernetes-models" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --silent --no-audit --no-fund "$models" >/dev/null ||
    die "cannot install $models with npm"
fi

work=$(mktemp -d /tmp/check-manifests-XXXXXX)
trap 'rm -rf "$work"' EXIT

# The checks on one rendered overlay: node check.js OVERLAY OBJECTS.json; prints the problems.
cat >"$work/check.js" <<'JS'
"use strict";
const fs = require("fs");
const { execFileSync } = require("child_process");

const [overlay, file] = process.argv.slice(2);
const isProd = /^prod/.test(overlay);
const problems = new Set(); // a Set: two checks finding the same thing print it once
const objects = parseJsonStream(fs.readFileSync(file, "utf8"));
for (const o of objects) {
  delete o.metadata.annotations?.["check-manifests/probe"];
  if (o.metadata.annotations && Object.keys(o.metadata.annotations).length === 0) delete o.metadata.annotations;
  // kustomize folds long base64 values over lines; the API server's base64 decoder skips them.
  if (o.kind === "Secret" && o.data) for (const k in o.data) o.data[k] = String(o.data[k]).replace(/[\r\n]/g, "");
}

function report(obj, message) {
  problems.add(`${overlay}: ${obj ? `${obj.kind}/${obj.metadata?.name}: ` : ""}${message}`);
}

// kubectl prints one JSON document per object, one after the other.
function parseJsonStream(text) {
  const docs = [];
  let depth = 0, start = -1, inString = false, escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") { if (depth++ === 0) start = i; }
    else if (c === "}" && --depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)));
  }
  return docs;
}

// ["spec", "containers", 0, "image"] -> "spec.containers[0].image"
function pathString(path) {
  return path.map((k, i) => (typeof k === "number" || /^\d+$/.test(k) ? `[${k}]` : i ? `.${k}` : k)).join("");
}
const isEmpty = (v) => v === null || (typeof v === "object" && Object.keys(v).length === 0);

// Reports the outermost keys of `obj` whose path is not in `known` (a Set of path strings).
// skipZero: also pass over false, 0 and "", which a typed decoder drops from its output when the
// Go field is `omitempty` (e.g. volumeMounts[].readOnly: false).
function reportUnknown(obj, value, path, known, skipZero = false) {
  if (value === null || typeof value !== "object") return;
  for (const k of Object.keys(value)) {
    const p = [...path, Array.isArray(value) ? Number(k) : k];
    if (isEmpty(value[k])) continue; // typed decoders may drop empty values: not a finding
    if (skipZero && (value[k] === false || value[k] === 0 || value[k] === "")) continue;
    if (!known.has(pathString(p))) report(obj, `unknown field ${pathString(p)}`);
    else reportUnknown(obj, value[k], p, known, skipZero);
  }
}

// --- built-in kinds: kubernetes-models' schema validator, watched through a Proxy ------------
// The generated validator reads every property its schema defines (and every entry of maps
// such as labels), so a key it never read is one the schema does not define.
function watched(value, path, seen) {
  if (value === null || typeof value !== "object") return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === "string" && Object.prototype.hasOwnProperty.call(target, key)) {
        const p = [...path, Array.isArray(target) ? Number(key) : key];
        seen.add(pathString(p));
        return watched(target[key], p, seen);
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

const typeErrors = new Set(); // objects the schema found wrong types in
function checkSchema(obj) {
  let model;
  try {
    model = require(`kubernetes-models/${obj.apiVersion}`)[obj.kind];
  } catch (e) { /* unknown group/version */ }
  if (!model) {
    report(obj, `no schema for ${obj.apiVersion} ${obj.kind}: add a check for it to scripts/check-manifests.sh`);
    return;
  }
  const seen = new Set();
  try {
    model.prototype.validate.call(watched(obj, [], seen));
  } catch (e) {
    typeErrors.add(obj);
    // One line per place: "must be number; must match format quantity" for a bad quantity,
    // without the schema's own summary ("must match exactly one schema in oneOf").
    const byPlace = new Map();
    for (const err of e.errors || [{ instancePath: "", message: e.message, keyword: "" }]) {
      if (!byPlace.has(err.instancePath)) byPlace.set(err.instancePath, []);
      byPlace.get(err.instancePath).push(err);
    }
    for (const [place, errs] of byPlace) {
      const specific = errs.filter((x) => !["oneOf", "anyOf"].includes(x.keyword));
      const messages = [...new Set((specific.length ? specific : errs).map((x) =>
        x.keyword === "enum" ? `must be one of ${x.params.allowedValues.join(", ")}` : x.message))];
      const where = pathString(place.split("/").slice(1)) || "(the object)";
      report(obj, `wrong type or value at ${where}: ${messages.join("; ")}`);
    }
  }
  reportUnknown(obj, obj, [], seen);
}

// --- workloads: kubectl's typed decode (what the API server would keep) -----------------------
const podSpecOf = (o) =>
  o.kind === "Pod" ? o.spec
  : o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template?.spec
  : o.spec?.template?.spec;

function allPaths(value, path, out) {
  if (value !== null && typeof value === "object") {
    for (const k of Object.keys(value)) {
      const p = [...path, Array.isArray(value) ? Number(k) : k];
      out.add(pathString(p));
      allPaths(value[k], p, out);
    }
  }
  return out;
}

function checkTypedDecode(obj) {
  let typed;
  try {
    const out = execFileSync("kubectl", ["set", "env", "--local", "-f", "-", "CHECK_MANIFESTS_PROBE=1", "-o", "json"],
      { input: JSON.stringify(obj), stdio: ["pipe", "pipe", "pipe"] });
    typed = JSON.parse(out);
  } catch (e) {
    // A wrong type: the schema check above has said it in its own words already, usually.
    if (!typeErrors.has(obj)) {
      const why = String(e.stderr || e.message).trim().split("\n")[0];
      report(obj, `kubectl cannot decode it: ${why}`);
    }
    return;
  }
  // The schema check has judged these objects' keys too, zero values included.
  reportUnknown(obj, obj, [], allPaths(typed, [], new Set()), true);
}

// --- ServiceMonitor (monitoring.coreos.com/v1): the keys this project may use ----------------
const SERVICE_MONITOR_KEYS = {
  "": ["apiVersion", "kind", "metadata", "spec"],
  metadata: ["name", "namespace", "labels", "annotations"],
  spec: ["selector", "endpoints", "namespaceSelector", "jobLabel", "targetLabels", "podTargetLabels",
         "sampleLimit", "targetLimit", "attachMetadata"],
  "spec.selector": ["matchLabels", "matchExpressions"],
  "spec.namespaceSelector": ["any", "matchNames"],
  "spec.endpoints[]": ["port", "targetPort", "path", "scheme", "params", "interval", "scrapeTimeout",
                       "honorLabels", "honorTimestamps", "relabelings", "metricRelabelings", "tlsConfig",
                       "authorization", "bearerTokenSecret", "basicAuth", "followRedirects", "enableHttp2"],
};
const STRING_MAP = (v) => v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

function checkServiceMonitor(obj) {
  const checkKeys = (value, where, allowed) => {
    if (value === undefined) return;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      report(obj, `wrong type at ${where || "(the object)"}: must be an object`);
      return;
    }
    for (const k of Object.keys(value)) {
      if (!allowed.includes(k)) report(obj, `unknown field ${where ? `${where}.${k}` : k}`);
    }
  };
  const spec = obj.spec;
  checkKeys(obj, "", SERVICE_MONITOR_KEYS[""]);
  checkKeys(obj.metadata, "metadata", SERVICE_MONITOR_KEYS.metadata);
  for (const m of ["labels", "annotations"]) {
    if (obj.metadata?.[m] !== undefined && !STRING_MAP(obj.metadata[m])) report(obj, `wrong type at metadata.${m}: must be a map of strings`);
  }
  checkKeys(spec, "spec", SERVICE_MONITOR_KEYS.spec);
  if (!spec || typeof spec !== "object") { report(obj, "spec is missing"); return; }
  checkKeys(spec.selector, "spec.selector", SERVICE_MONITOR_KEYS["spec.selector"]);
  checkKeys(spec.namespaceSelector, "spec.namespaceSelector", SERVICE_MONITOR_KEYS["spec.namespaceSelector"]);
  if (!spec.selector) report(obj, "spec.selector is missing");
  else if (spec.selector.matchLabels !== undefined && !STRING_MAP(spec.selector.matchLabels)) {
    report(obj, "wrong type at spec.selector.matchLabels: must be a map of strings");
  }
  if (!Array.isArray(spec.endpoints) || spec.endpoints.length === 0) {
    report(obj, "spec.endpoints must be a non-empty list");
    return;
  }
  spec.endpoints.forEach((ep, i) => {
    const where = `spec.endpoints[${i}]`;
    checkKeys(ep, where, SERVICE_MONITOR_KEYS["spec.endpoints[]"]);
    for (const k of ["port", "path", "scheme", "interval", "scrapeTimeout"]) {
      if (ep?.[k] !== undefined && typeof ep[k] !== "string") report(obj, `wrong type at ${where}.${k}: must be a string`);
    }
    for (const k of ["interval", "scrapeTimeout"]) {
      if (typeof ep?.[k] === "string" && !DURATION.test(ep[k])) report(obj, `wrong value at ${where}.${k}: "${ep[k]}" is not a duration like 30s`);
    }
    if (typeof ep?.path === "string" && !ep.path.startsWith("/")) report(obj, `wrong value at ${where}.path: must start with /`);
    // It must find something to scrape: a Service it selects, with a port of that name.
    const services = objects.filter((s) => s.kind === "Service" && matches(spec.selector?.matchLabels, s.metadata?.labels));
    if (services.length === 0) report(obj, "selects no Service of this overlay");
    else if (typeof ep?.port === "string" && !services.some((s) => (s.spec?.ports || []).some((p) => p.name === ep.port))) {
      report(obj, `no selected Service has a port named "${ep.port}"`);
    }
  });
}

// --- invariants -----------------------------------------------------------------------------
function matches(selector, labels) {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function imageProblem(image) {
  if (typeof image !== "string" || image === "") return "has no image";
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return null;
  const lastPart = image.split("/").pop();
  if (!lastPart.includes(":")) return `image "${image}" has no tag (that means latest)`;
  const tag = lastPart.split(":").pop();
  if (tag === "latest") return `image "${image}" uses the tag latest`;
  if (isProd && !/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/.test(tag)) {
    return `image "${image}": in prod the tag must be a released version (like 1.2.3) or a digest`;
  }
  return null;
}

function envValue(container, name) {
  for (const e of container.env || []) if (e.name === name && typeof e.value === "string") return e.value;
  for (const from of container.envFrom || []) {
    const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata?.name === from.configMapRef?.name);
    if (cm?.data?.[name] !== undefined) return cm.data[name];
  }
  return undefined;
}

// The port of a host:port setting ("0.0.0.0:8081" -> 8081); undefined when there is none.
function portOf(address) {
  const m = /:(\d+)$/.exec(address ?? "");
  return m ? Number(m[1]) : undefined;
}

// The port a probe connects to, a named port resolved through the container's ports.
function probePort(container, probe) {
  const port = probe.grpc?.port ?? probe.tcpSocket?.port ?? probe.httpGet?.port;
  if (typeof port !== "string") return port;
  return (container.ports || []).find((p) => p.name === port)?.containerPort ?? port;
}

// A Secret this overlay ships (dev generates one) must hold the keys its users read.
function checkSecretKey(obj, at, secretName, key) {
  const secret = objects.find((o) => o.kind === "Secret" && o.metadata?.name === secretName);
  if (secret && !(key in (secret.data || {})) && !(key in (secret.stringData || {}))) {
    report(obj, `${at}: Secret ${secretName} has no key "${key}"`);
  }
}

// ROLECALL_DATABASE_URL: from the Secret key that names the right role. The migration Job
// connects as the schema owner (migrate-url), the server as the least-privilege role
// (serve-url), so a compromised server pod cannot change the schema.
function checkDatabaseUrl(obj, container, wanted, who) {
  const at = `container ${container.name}`;
  const e = (container.env || []).find((x) => x.name === "ROLECALL_DATABASE_URL");
  const ref = e?.valueFrom?.secretKeyRef;
  if (!ref) {
    report(obj, `${at}: ROLECALL_DATABASE_URL does not come from a Secret (key "${wanted}", ${who})`);
  } else if (ref.key !== wanted) {
    report(obj, `${at}: ROLECALL_DATABASE_URL comes from key "${ref.key}" of Secret ${ref.name}, not "${wanted}" (${who})`);
  } else {
    checkSecretKey(obj, at, ref.name, ref.key);
  }
}

// The probes and the ports the server listens on. The kubelet's gRPC probe speaks plaintext
// only: with ROLECALL_HEALTH_LISTEN set every probe goes to that (plaintext, health-only) port;
// without it a gRPC probe must be on the main port, and that port must not serve TLS.
const HEALTH_SERVICES = ["", "rolecall.v1.UserService", "rolecall.v1.PermissionService", "rolecall.v1.DirectoryService"];
function checkProbePorts(d, c) {
  const at = `container ${c.name}`;
  const health = envValue(c, "ROLECALL_HEALTH_LISTEN");
  const healthPort = health ? portOf(health) : undefined;
  if (health && healthPort === undefined) report(d, `${at}: ROLECALL_HEALTH_LISTEN "${health}" is not host:port`);
  const listenPort = portOf(envValue(c, "ROLECALL_LISTEN") ?? "127.0.0.1:50051");
  const tls = Boolean(envValue(c, "ROLECALL_TLS_CERT"));
  for (const kind of ["readinessProbe", "livenessProbe", "startupProbe"]) {
    const probe = c[kind];
    if (!probe) continue;
    const port = probePort(c, probe);
    if (healthPort !== undefined) {
      if (port !== healthPort) {
        const where = port === undefined ? "not on a port" : `on port ${port}`;
        report(d, `${at}: ${kind} is ${where}, not on the health port ${healthPort} that ROLECALL_HEALTH_LISTEN names`);
      }
    } else if (probe.grpc) {
      if (tls) {
        report(d, `${at}: ${kind} asks gRPC health on the TLS port ${port}, which the kubelet cannot do: set ROLECALL_HEALTH_LISTEN and probe its port`);
      } else if (port !== listenPort) {
        report(d, `${at}: ${kind} is on port ${port}, not on the gRPC port ${listenPort} that ROLECALL_LISTEN names`);
      }
    }
    if (probe.grpc?.service !== undefined && !HEALTH_SERVICES.includes(probe.grpc.service)) {
      report(d, `${at}: ${kind} asks the health of "${probe.grpc.service}", which the server does not report (never ready)`);
    }
  }
  if (isProd) {
    if (healthPort === undefined) {
      report(d, `${at}: ROLECALL_HEALTH_LISTEN is not set: in prod 50051 serves TLS, which the kubelet's gRPC probe cannot speak`);
    }
    if (!c.readinessProbe?.grpc) report(d, `${at}: readinessProbe is not the gRPC health check`);
  }
}

// prod: TLS on the main port, with the certificate and key from a Secret mounted read-only.
function checkTls(d, pod, c) {
  const at = `container ${c.name}`;
  const plaintext = envValue(c, "ROLECALL_PLAINTEXT");
  if (plaintext !== undefined && !/^\s*(false|0|off|no)?\s*$/i.test(plaintext)) {
    report(d, `${at}: ROLECALL_PLAINTEXT is "${plaintext}": in prod the server serves TLS`);
  }
  for (const name of ["ROLECALL_TLS_CERT", "ROLECALL_TLS_KEY"]) {
    const path = envValue(c, name);
    if (!path) {
      report(d, `${at}: ${name} is not set: in prod the server serves TLS`);
      continue;
    }
    // The mount the file is in (the deepest one, as mounts nest).
    const mount = (c.volumeMounts || [])
      .filter((m) => typeof m.mountPath === "string" &&
        (path === m.mountPath || path.startsWith(m.mountPath.replace(/\/*$/, "/"))))
      .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    if (!mount) {
      report(d, `${at}: ${name} (${path}) is not in a mounted volume`);
      continue;
    }
    const volume = (pod.volumes || []).find((v) => v.name === mount.name);
    const secretName = volume?.secret?.secretName;
    const projected = (volume?.projected?.sources || []).filter((src) => src.secret);
    if (!secretName && projected.length === 0) {
      report(d, `${at}: ${name} (${path}) is not in a volume mounted from a Secret (volume "${mount.name}")`);
      continue;
    }
    if (mount.readOnly !== true) report(d, `${at}: the volume mount "${mount.name}" with ${name} is not readOnly`);
    if (mount.subPath) continue; // a file or folder of the Secret: its subPath names it
    const file = path.slice(mount.mountPath.replace(/\/*$/, "/").length);
    if (secretName) {
      const items = volume.secret.items;
      if (items && !items.some((i) => i.path === file)) {
        report(d, `${at}: ${name} (${path}): the Secret volume "${mount.name}" maps no item to ${file}`);
      } else if (!items) {
        checkSecretKey(d, at, secretName, file);
      }
    }
  }
}

function checkPod(obj, pod) {
  const psc = pod.securityContext || {};
  const containers = [...(pod.initContainers || []), ...(pod.containers || [])];
  if ((pod.containers || []).length === 0) report(obj, "has no containers");
  for (const c of containers) {
    const at = `container ${c.name}`;
    const sc = c.securityContext || {};
    if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) report(obj, `${at}: runAsNonRoot is not true`);
    if ((sc.runAsUser ?? psc.runAsUser) === 0) report(obj, `${at}: runs as uid 0`);
    if (sc.readOnlyRootFilesystem !== true) report(obj, `${at}: readOnlyRootFilesystem is not true`);
    if (sc.allowPrivilegeEscalation !== false) report(obj, `${at}: allowPrivilegeEscalation is not false`);
    if (!(sc.capabilities?.drop || []).includes("ALL")) report(obj, `${at}: capabilities.drop does not contain ALL`);
    const seccomp = (sc.seccompProfile ?? psc.seccompProfile)?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") report(obj, `${at}: seccompProfile is not RuntimeDefault`);
    for (const kind of ["requests", "limits"]) {
      for (const r of ["cpu", "memory"]) {
        if (c.resources?.[kind]?.[r] === undefined) report(obj, `${at}: resources.${kind}.${r} is not set`);
      }
    }
    const bad = imageProblem(c.image);
    if (bad) report(obj, `${at}: ${bad}`);
  }
}

function checkInvariants() {
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const deployments = byKind("Deployment");
  if (deployments.length === 0) report(null, "no Deployment");
  for (const d of deployments) {
    const pod = d.spec?.template?.spec || {};
    const podLabels = d.spec?.template?.metadata?.labels;
    for (const c of pod.containers || []) {
      checkDatabaseUrl(d, c, "serve-url", "the least-privilege role the server connects as");
      const migrateFlag = envValue(c, "ROLECALL_MIGRATE");
      if (migrateFlag !== undefined && !/^\s*(false|0|off|no)?\s*$/i.test(migrateFlag)) {
        report(d, `container ${c.name}: ROLECALL_MIGRATE is "${migrateFlag}": the migration Job migrates as the schema owner, the server's role cannot`);
      }
      checkProbePorts(d, c);
      if (isProd) checkTls(d, pod, c);
      if (!c.readinessProbe) report(d, `container ${c.name}: no readinessProbe`);
      if (!c.livenessProbe) report(d, `container ${c.name}: no livenessProbe`);
      else if (c.livenessProbe.grpc) {
        report(d, `container ${c.name}: livenessProbe uses the gRPC health check, which fails whenever the database does`);
      }
      const grace = Number(envValue(c, "ROLECALL_SHUTDOWN_GRACE_SECONDS") ?? 20);
      const period = pod.terminationGracePeriodSeconds ?? 30;
      if (!(period > grace)) {
        report(d, `terminationGracePeriodSeconds (${period}) must exceed ROLECALL_SHUTDOWN_GRACE_SECONDS (${grace})`);
      }
    }
    const hpa = byKind("HorizontalPodAutoscaler").find((h) =>
      h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec?.scaleTargetRef?.name === d.metadata?.name);
    if (!hpa) report(d, "no HorizontalPodAutoscaler targets it");
    else if (d.spec?.replicas !== undefined && hpa.spec?.minReplicas !== undefined && d.spec.replicas < hpa.spec.minReplicas) {
      report(d, `replicas (${d.spec.replicas}) is below the HPA's minReplicas (${hpa.spec.minReplicas})`);
    }
    if (!byKind("PodDisruptionBudget").some((p) => matches(p.spec?.selector?.matchLabels, podLabels))) {
      report(d, "no PodDisruptionBudget selects its pods");
    }
    if (!byKind("NetworkPolicy").some((n) => matches(n.spec?.podSelector?.matchLabels, podLabels))) {
      report(d, "no NetworkPolicy selects its pods");
    }
  }
  const migrate = byKind("Job").filter((j) => (j.spec?.template?.spec?.containers || [])
    .some((c) => [...(c.command || []), ...(c.args || [])].includes("migrate")));
  if (migrate.length === 0) report(null, "no Job runs `rolecall-server migrate`");
  for (const j of migrate) {
    for (const c of j.spec.template.spec.containers) {
      if ([...(c.command || []), ...(c.args || [])].includes("migrate")) {
        checkDatabaseUrl(j, c, "migrate-url", "the schema owner migrations run as");
      }
    }
    if (j.spec.backoffLimit === undefined) report(j, "backoffLimit is not set");
    if (j.spec.ttlSecondsAfterFinished === undefined) report(j, "ttlSecondsAfterFinished is not set");
  }
  if (byKind("ServiceMonitor").length === 0) report(null, "no ServiceMonitor");
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (pod) checkPod(o, pod);
  }
  const templates = objects.map((o) => (o.kind === "Pod" ? o.metadata : o.spec?.template?.metadata)).filter(Boolean);
  for (const s of byKind("Service")) {
    if (s.spec?.selector && !templates.some((t) => matches(s.spec.selector, t.labels))) report(s, "selects no pods of this overlay");
  }
  if (isProd) {
    for (const s of byKind("Secret")) report(s, "a Secret in prod: real credentials must come from outside git");
  }
}

for (const o of objects) {
  if (o.apiVersion === "monitoring.coreos.com/v1" && o.kind === "ServiceMonitor") {
    checkServiceMonitor(o);
    continue;
  }
  checkSchema(o);
  if (podSpecOf(o)) checkTypedDecode(o);
}
checkInvariants();
for (const p of problems) console.log(p);
console.log(`check-manifests: ${overlay}: ${objects.length} objects, ${problems.size} problem(s)`);
process.exit(problems.size ? 1 : 0);
JS

failed=0
overlays=0
for dir in "$k8s"/overlays/*/; do
  [ -f "$dir/kustomization.yaml" ] || continue
  overlays=$((overlays + 1))
  name=$(basename "$dir")
  if ! kubectl kustomize "$dir" >"$work/$name.yaml" 2>"$work/$name.err"; then
    # kubectl wraps kustomize's message in a log line: keep the message, on one line.
    why=$(sed -e 's/^E[0-9]\{4\} [^]]*\] "command failed" err=//' -e 's/^[[:space:]<>]*//' "$work/$name.err" |
      tr '\n' ' ' | sed -e 's/[[:space:]>]*$//' -e 's/^"\(.*\)"$/\1/')
    echo "$name: kubectl kustomize failed: $why"
    failed=1
    continue
  fi
  # To JSON with kubectl's own YAML reading (the annotation is only there because annotate is
  # the kubectl command that reads any kind offline; check.js removes it).
  if ! kubectl annotate --local -f "$work/$name.yaml" check-manifests/probe=1 -o json \
    >"$work/$name.json" 2>"$work/$name.err"; then
    echo "$name: kubectl cannot read the rendered manifests: $(head -n 1 "$work/$name.err")"
    failed=1
    continue
  fi
  NODE_PATH="$tools/node_modules" node "$work/check.js" "$name" "$work/$name.json" || failed=1
done
[ "$overlays" -gt 0 ] || die "no overlay (a directory with kustomization.yaml) in $k8s/overlays"
if [ "$failed" -ne 0 ]; then
  echo "check-manifests: FAILED"
  exit 1
fi
echo "check-manifests: OK ($overlays overlays)"
