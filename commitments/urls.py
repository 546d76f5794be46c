from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("commitments/<slug:slug>/", views.CommitmentDetailView.as_view(), name="commitment_detail"),
    path("pillars/<slug:slug>/", views.PillarDetailView.as_view(), name="pillar_detail"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source_detail"),
]
