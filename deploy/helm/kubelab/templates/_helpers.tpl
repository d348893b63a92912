{{/* The release's name for every object of the server. */}}
{{- define "kubelab.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kubelab.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kubelab.labels" -}}
{{ include "kubelab.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Separates this release's labs from another kubelab's in the same namespace. */}}
{{- define "kubelab.installationId" -}}
{{- printf "%s/%s" .Release.Namespace .Release.Name | sha256sum | trunc 12 -}}
{{- end -}}

{{/*
  Refusals at install time, before anything is applied: what would start a server that
  cannot work, or two servers that would corrupt one SQLite file.
*/}}
{{- define "kubelab.validate" -}}
{{- if not .Values.image.tag -}}
{{- fail "image.tag is required: the hash tag deploy/image/build.sh printed (a moving tag is pulled at every start)" -}}
{{- end -}}
{{- if not .Values.labs.image -}}
{{- fail "labs.image is required: the sim lab image by its hash tag (sandbox/image/build.sh), as the cluster's nodes pull it" -}}
{{- end -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.database.url) (not .Values.database.existingSecret) -}}
{{- fail "replicaCount > 1 needs PostgreSQL (database.url or database.existingSecret): replicas cannot share a SQLite file" -}}
{{- end -}}
{{- if and .Values.database.url (not (regexMatch "^postgres(ql)?://" .Values.database.url)) -}}
{{- fail "database.url must be a postgresql:// URL (without it, the server keeps SQLite on its volume)" -}}
{{- end -}}
{{- if lt (int .Values.labs.capacity) 1 -}}
{{- fail "labs.capacity must be at least 1: on a cluster the server cannot measure the room for labs" -}}
{{- end -}}
{{- if not (has .Values.labs.networkPolicy (list "required" "unenforced-accept")) -}}
{{- fail "labs.networkPolicy is required or unenforced-accept" -}}
{{- end -}}
{{- end -}}
