"""The ingress controller: Traefik as a local process, for IngressClass `berth`.

It watches Ingress objects through the API server and proxies to the pods
behind each backend Service directly (the real node's pods are reachable from
this machine on the bridge). A host that no Ingress names answers 404.

TCP and UDP: Traefik's entry points can carry them, routed by its
IngressRouteTCP / IngressRouteUDP resources (the `kubernetescrd` provider,
whose CRDs would have to be installed); an entry point per port range is the
likely shape. Not set up yet.
"""

from __future__ import annotations

from localcluster import network

INGRESS_CLASS = "berth"
APPS_DOMAIN = "apps.localhost"


def traefik_command(setup) -> list[str]:
    loopback = network.LOOPBACK
    return [
        setup.binary("traefik"),
        f"--entryPoints.web.address={loopback}:{network.INGRESS_HTTP_PORT}",
        f"--entryPoints.websecure.address={loopback}:{network.INGRESS_HTTPS_PORT}",
        "--entryPoints.websecure.http.tls=true",
        # Traefik's own entry point, for its health check only.
        f"--entryPoints.traefik.address={loopback}:{network.INGRESS_PING_PORT}",
        "--ping=true",
        "--ping.entryPoint=traefik",
        "--providers.kubernetesingress=true",
        f"--providers.kubernetesingress.ingressClass={INGRESS_CLASS}",
        f"--providers.kubernetesingress.ingressEndpoint.ip={loopback}",
        # It must not phone home: no version check, no usage statistics.
        "--global.checkNewVersion=false",
        "--global.sendAnonymousUsage=false",
        "--log.level=INFO",
        # Names the state folder, so the process is recognised as ours.
        f"--accessLog.filePath={setup.state.logs / 'traefik-access.log'}",
    ]


def traefik_env(setup) -> dict[str, str]:
    # Traefik's Kubernetes client reads a kubeconfig (client certificate) from here.
    return {"KUBECONFIG": setup.kubeconfig("traefik")}
