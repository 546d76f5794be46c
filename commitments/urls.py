from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import api, feeds
from .views import public

app_name = "commitments"

router = SimpleRouter()
router.register("commitments", api.CommitmentViewSet, basename="api-commitment")

urlpatterns = [
    path("", public.dashboard, name="dashboard"),
    path("commitments/", public.CommitmentListView.as_view(), name="commitment_list"),
    path("commitments/<slug:slug>/", public.CommitmentDetailView.as_view(), name="commitment_detail"),
    path("commitments/<slug:slug>/feed/", feeds.CommitmentUpdatesFeed(), name="commitment_feed"),
    path("pillars/", public.PillarListView.as_view(), name="pillar_list"),
    path("pillars/<slug:slug>/", public.PillarDetailView.as_view(), name="pillar_detail"),
    path("sources/", public.SourceListView.as_view(), name="source_list"),
    path("sources/<slug:slug>/", public.SourceDetailView.as_view(), name="source_detail"),
    path("feed/", feeds.UpdatesFeed(), name="feed"),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
]
