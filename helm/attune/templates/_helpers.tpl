{{- define "attune.name" -}}{{ .Chart.Name }}{{- end -}}
{{- define "attune.fullname" -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- define "attune.labels" -}}
app.kubernetes.io/name: {{ include "attune.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
{{- define "attune.selector" -}}
app.kubernetes.io/name: {{ include "attune.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- define "attune.secretName" -}}{{ default (printf "%s-db" (include "attune.fullname" .)) .Values.database.existingSecret }}{{- end -}}
{{- define "attune.adminSecretName" -}}{{ default (printf "%s-admin" (include "attune.fullname" .)) .Values.auth.existingSecret }}{{- end -}}
