{{/* Resource names: <release>-<module>, cut to 63 characters. */}}
{{- define "medbase.name" -}}
{{- printf "%s-%s" .root.Release.Name .module | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "medbase.labels" -}}
app.kubernetes.io/part-of: medbase
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{ include "medbase.selectorLabels" . }}
{{- end -}}

{{- define "medbase.selectorLabels" -}}
app.kubernetes.io/name: {{ .module }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "medbase.secretName" -}}
{{- default (printf "%s-medbase" .Release.Name) .Values.existingSecret -}}
{{- end -}}

{{/* http://<release>-<module>:<port>, the in-cluster URL of a service. */}}
{{- define "medbase.url" -}}
{{- $svc := index .root.Values.services .module -}}
{{- printf "http://%s:%v" (include "medbase.name" .) $svc.port -}}
{{- end -}}
