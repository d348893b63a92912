module kubelab.local/supervisor

go 1.26
