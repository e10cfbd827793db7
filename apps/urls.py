from django.urls import path

from .views import application, dashboard

app_name = "apps"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("apps/new/", application.new_application, name="new"),
    path("apps/<slug:name>/", application.application_detail, name="detail"),
    path("apps/<slug:name>/status/", application.application_status, name="status"),
    path("apps/<slug:name>/edit/", application.edit_application, name="edit"),
    path("apps/<slug:name>/scale/", application.scale_application, name="scale"),
    path(
        "apps/<slug:name>/rollback/<int:number>/",
        application.rollback_application,
        name="rollback",
    ),
    path("apps/<slug:name>/delete/", application.delete_application, name="delete"),
]
