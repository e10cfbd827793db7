// The programs inside Berth's test images: standard library only, built
// statically, so each image is one binary (plus busybox for `kubectl exec`).
module berth.local/localcluster/images

go 1.26.0
