"""Reading pods into instances: the reasons a person needs to see."""

from apps.kube.status import _pod_status


def pod(container_status: dict, **status) -> dict:
    return {
        "metadata": {"name": "hello-1", "labels": {"berth.io/release": "3"}},
        "spec": {"nodeName": "real-1"},
        "status": {"phase": "Running", "containerStatuses": [container_status], **status},
    }


def test_oom_kill_shows_restart_and_reason():
    status = _pod_status(
        pod(
            {
                "ready": False,
                "restartCount": 2,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}},
            }
        ),
        {"real-1": "zone-real"},
    )
    assert status.restarts == 2
    assert status.reason == "CrashLoopBackOff, last stopped: OOMKilled"
    assert (status.zone, status.release_number, status.ready) == ("zone-real", 3, False)


def test_running_after_an_oom_kill_still_says_so():
    status = _pod_status(
        pod(
            {
                "ready": True,
                "restartCount": 1,
                "state": {"running": {}},
                "lastState": {"terminated": {"reason": "OOMKilled"}},
            }
        ),
        {},
    )
    assert (status.ready, status.reason, status.zone) == (True, "OOMKilled", "")


def test_unschedulable_pod_says_why():
    status = _pod_status(
        {
            "metadata": {"name": "hello-2", "labels": {}},
            "spec": {},
            "status": {
                "phase": "Pending",
                "conditions": [{"reason": "Unschedulable", "message": "0/6 nodes are available"}],
            },
        },
        {},
    )
    assert (status.phase, status.reason) == ("Pending", "0/6 nodes are available")


def test_terminating_pod():
    terminating = pod({"ready": True, "state": {"running": {}}})
    terminating["metadata"]["deletionTimestamp"] = "2026-12-04T10:00:00Z"
    assert _pod_status(terminating, {}).phase == "Terminating"
