// storage-provisioner gives a PersistentVolumeClaim of a node lab a PersistentVolume, as
// minikube's storage-provisioner does: provisioner k8s.io/minikube-hostpath, the default
// StorageClass `standard`, one directory per claim at /tmp/hostpath-provisioner/<ns>/<claim>
// on the node. It runs as a process of the lab (kubelab-node storage-provisioner), not as a
// pod, so that no pod needs a hostPath of the node: Pod Security stays `baseline` everywhere.
//
// The directory tree belongs to root with mode 0700 above each claim's directory, so the
// learner's shell can neither read another claim nor replace a directory by a symbolic link
// that a later volume would follow; a claim's own directory is 0777 so that pods running as
// any user may write.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/sig-storage-lib-external-provisioner/v13/controller"
)

const provisionedBy = "pv.kubernetes.io/provisioned-by"

type hostPathProvisioner struct {
	client kubernetes.Interface
	name   string
	root   string
}

// claimDir is <root>/<namespace>/<claim>; both are DNS names, checked again here because
// the path is later bind-mounted into pods by the node's root.
func (p *hostPathProvisioner) claimDir(namespace, claim string) (string, error) {
	if errs := validation.IsDNS1123Label(namespace); len(errs) > 0 {
		return "", fmt.Errorf("namespace %q: %s", namespace, strings.Join(errs, "; "))
	}
	if errs := validation.IsDNS1123Subdomain(claim); len(errs) > 0 {
		return "", fmt.Errorf("claim %q: %s", claim, strings.Join(errs, "; "))
	}
	return filepath.Join(p.root, namespace, claim), nil
}

// usedBy names the PersistentVolumes whose hostPath is dir.
func (p *hostPathProvisioner) usedBy(ctx context.Context, dir string) ([]string, error) {
	pvs, err := p.client.CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, pv := range pvs.Items {
		if pv.Spec.HostPath != nil && filepath.Clean(pv.Spec.HostPath.Path) == dir {
			names = append(names, pv.Name)
		}
	}
	return names, nil
}

// mkdirOwned makes dir (mode) unless it exists as a real directory; a symbolic link or
// another kind of file there is an error, never followed.
func mkdirOwned(dir string, mode os.FileMode) error {
	fi, err := os.Lstat(dir)
	switch {
	case err == nil && fi.IsDir():
	case err == nil:
		return fmt.Errorf("%s exists and is not a directory", dir)
	case errors.Is(err, os.ErrNotExist):
		if err := os.Mkdir(dir, mode); err != nil {
			return err
		}
	default:
		return err
	}
	return os.Chmod(dir, mode) // the umask would narrow Mkdir's mode
}

func (p *hostPathProvisioner) Provision(ctx context.Context, o controller.ProvisionOptions) (*v1.PersistentVolume, controller.ProvisioningState, error) {
	if o.PVC.Spec.Selector != nil {
		return nil, controller.ProvisioningFinished, errors.New("claims with a selector are not supported by the hostpath provisioner")
	}
	dir, err := p.claimDir(o.PVC.Namespace, o.PVC.Name)
	if err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	// A claim deleted and made again under the same name: its old volume's directory goes
	// first (its Delete removes it), so the new claim never starts with the old data.
	// A directory no volume names (the lab was reset) is emptied here.
	users, err := p.usedBy(ctx, dir)
	if err != nil {
		return nil, controller.ProvisioningNoChange, err
	}
	if len(users) > 0 {
		return nil, controller.ProvisioningNoChange, fmt.Errorf("%s still belongs to volume %s, which is being deleted; retrying", dir, strings.Join(users, ", "))
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, controller.ProvisioningNoChange, err
	}
	if err := mkdirOwned(p.root, 0o700); err != nil {
		return nil, controller.ProvisioningNoChange, err
	}
	if err := mkdirOwned(filepath.Dir(dir), 0o700); err != nil {
		return nil, controller.ProvisioningNoChange, err
	}
	if err := mkdirOwned(dir, 0o777); err != nil {
		return nil, controller.ProvisioningNoChange, err
	}
	reclaim := v1.PersistentVolumeReclaimDelete
	if o.StorageClass.ReclaimPolicy != nil {
		reclaim = *o.StorageClass.ReclaimPolicy
	}
	dirType := v1.HostPathDirectory
	klog.InfoS("provisioned", "claim", klog.KObj(o.PVC), "volume", o.PVName, "path", dir)
	return &v1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{
			Name:        o.PVName,
			Annotations: map[string]string{provisionedBy: p.name},
		},
		Spec: v1.PersistentVolumeSpec{
			PersistentVolumeReclaimPolicy: reclaim,
			AccessModes:                   o.PVC.Spec.AccessModes,
			VolumeMode:                    o.PVC.Spec.VolumeMode,
			MountOptions:                  o.StorageClass.MountOptions,
			Capacity:                      v1.ResourceList{v1.ResourceStorage: o.PVC.Spec.Resources.Requests[v1.ResourceStorage]},
			PersistentVolumeSource: v1.PersistentVolumeSource{
				HostPath: &v1.HostPathVolumeSource{Path: dir, Type: &dirType},
			},
		},
	}, controller.ProvisioningFinished, nil
}

func (p *hostPathProvisioner) Delete(ctx context.Context, pv *v1.PersistentVolume) error {
	if pv.Annotations[provisionedBy] != p.name || pv.Spec.HostPath == nil {
		return &controller.IgnoredError{Reason: "not provisioned here"}
	}
	dir := filepath.Clean(pv.Spec.HostPath.Path)
	rel, err := filepath.Rel(p.root, dir)
	if err != nil || strings.Count(rel, string(filepath.Separator)) != 1 || strings.HasPrefix(rel, "..") {
		return &controller.IgnoredError{Reason: fmt.Sprintf("%s is not a claim directory under %s", dir, p.root)}
	}
	users, err := p.usedBy(ctx, dir)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u != pv.Name {
			klog.InfoS("kept: another volume uses the directory", "volume", pv.Name, "other", u, "path", dir)
			return nil
		}
	}
	klog.InfoS("deleting", "volume", pv.Name, "path", dir)
	return os.RemoveAll(dir)
}

// collect removes claim directories that no PersistentVolume names any more and that are
// older than grace (a reset of the lab brings back a cluster without the volumes, so their
// Delete never comes), then namespace directories left empty.
func (p *hostPathProvisioner) collect(ctx context.Context, grace time.Duration) {
	pvs, err := p.client.CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{})
	if err != nil {
		klog.ErrorS(err, "listing volumes for the clean-up")
		return
	}
	named := map[string]bool{}
	for _, pv := range pvs.Items {
		if pv.Spec.HostPath != nil {
			named[filepath.Clean(pv.Spec.HostPath.Path)] = true
		}
	}
	namespaces, _ := os.ReadDir(p.root)
	for _, ns := range namespaces {
		nsDir := filepath.Join(p.root, ns.Name())
		if !ns.IsDir() {
			continue
		}
		claims, _ := os.ReadDir(nsDir)
		left := len(claims)
		for _, c := range claims {
			dir := filepath.Join(nsDir, c.Name())
			info, err := c.Info()
			if err != nil || named[dir] || time.Since(info.ModTime()) < grace {
				continue
			}
			if os.RemoveAll(dir) == nil {
				left--
				klog.InfoS("removed a directory that no volume names", "path", dir)
			}
		}
		if left == 0 {
			_ = os.Remove(nsDir)
		}
	}
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the provisioner's identity")
	root := flag.String("root", "/tmp/hostpath-provisioner", "directory under which each claim gets <namespace>/<claim>")
	name := flag.String("provisioner", "k8s.io/minikube-hostpath", "provisioner name, as in the StorageClass")
	klog.InitFlags(nil)
	flag.Parse()

	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Fatalf("kubeconfig: %v", err)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		klog.Fatalf("client: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	p := &hostPathProvisioner{client: client, name: *name, root: filepath.Clean(*root)}
	if err := mkdirOwned(p.root, 0o700); err != nil {
		klog.Fatalf("%s: %v", p.root, err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Minute):
				p.collect(ctx, 2*time.Minute)
			}
		}
	}()
	// One node, one provisioner: no leader election (it would need a Lease of its own).
	controller.NewProvisionController(ctx, client, *name, p,
		controller.LeaderElection(false),
		controller.ResyncPeriod(5*time.Minute),
		controller.FailedProvisionThreshold(0),
	).Run(ctx)
}
