{{- /*
  Decides whether the simulated node "has" the image of container $c.
  Spliced by `kubelab-cluster init` into every stage template that needs it, in place
  of the IMAGE_VERDICT marker line, inside a range that binds $c. The lists $known
  (repository:tag), $anyTag (repository whose every tag exists) and $repos (every
  repository mentioned) come from images.txt, spliced in place of the IMAGE_LISTS marker.
  Sets $verdict to ok | missing-tag | missing-repo | invalid | never, and $reason and
  $msg to what a kubelet would put in the container's waiting state.
  The reference is normalised the way Docker does so that nginx, library/nginx and
  docker.io/library/nginx:latest are the same image.
*/ -}}
{{- $image := $c.image -}}
{{- $ref := $image -}}
{{- $digest := "" -}}
{{- if contains "@" $ref -}}
  {{- $digest = last (splitList "@" $ref) -}}
  {{- $ref = first (splitList "@" $ref) -}}
{{- end -}}
{{- $tag := "latest" -}}
{{- if contains ":" (last (splitList "/" $ref)) -}}
  {{- $tag = last (splitList ":" (last (splitList "/" $ref))) -}}
  {{- $ref = trimSuffix (print ":" $tag) $ref -}}
{{- end -}}
{{- $segs := splitList "/" $ref -}}
{{- $head := first $segs -}}
{{- if eq (len $segs) 1 -}}
  {{- $ref = print "docker.io/library/" $ref -}}
{{- else if eq $head "index.docker.io" -}}
  {{- $ref = print "docker.io/" (trimPrefix "index.docker.io/" $ref) -}}
{{- else if not (or (contains "." $head) (contains ":" $head) (eq $head "localhost")) -}}
  {{- $ref = print "docker.io/" $ref -}}
{{- end -}}
{{- if and (hasPrefix "docker.io/" $ref) (eq (len (splitList "/" $ref)) 2) -}}
  {{- $ref = print "docker.io/library/" (trimPrefix "docker.io/" $ref) -}}
{{- end -}}
{{- $verdict := "ok" -}}
{{- if or (eq (trim $image) "") (ne $ref (lower $ref)) -}}
  {{- $verdict = "invalid" -}}
{{- else if $digest -}}
  {{- if not (has $ref $anyTag) }}{{ $verdict = "missing-tag" }}{{ end -}}
{{- else if not (or (has (print $ref ":" $tag) $known) (has $ref $anyTag)) -}}
  {{- if has $ref $repos }}{{ $verdict = "missing-tag" }}{{ else }}{{ $verdict = "missing-repo" }}{{ end -}}
{{- end -}}
{{- if and (ne $verdict "ok") (ne $verdict "invalid") (eq (toString $c.imagePullPolicy) "Never") -}}
  {{- $verdict = "never" -}}
{{- end -}}
{{- $shown := print $ref ":" $tag -}}
{{- if $digest }}{{ $shown = print $ref "@" $digest }}{{ end -}}
{{- $reason := "" -}}
{{- $msg := "" -}}
{{- if eq $verdict "invalid" -}}
  {{- $reason = "InvalidImageName" -}}
  {{- $msg = printf "Failed to apply default image tag %q: couldn't parse image name %q: invalid reference format: repository name must be lowercase" $image $image -}}
{{- else if eq $verdict "never" -}}
  {{- $reason = "ErrImageNeverPull" -}}
  {{- $msg = printf "Container image %q is not present with pull policy of Never" $image -}}
{{- else if eq $verdict "missing-tag" -}}
  {{- $reason = "ErrImagePull" -}}
  {{- $msg = printf "Failed to pull image %q: manifest for %s not found: manifest unknown (this lab simulates its node: it can pull only the images listed in #@IMAGES_FILE@#)" $image $shown -}}
{{- else if eq $verdict "missing-repo" -}}
  {{- $reason = "ErrImagePull" -}}
  {{- $msg = printf "Failed to pull image %q: pull access denied for %s, repository does not exist or may require authorization (this lab simulates its node: it can pull only the images listed in #@IMAGES_FILE@#)" $image $ref -}}
{{- end }}
