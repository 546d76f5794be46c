from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import api, feeds
from .views import public, staff

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
    path("staff/", staff.BoardView.as_view(), name="staff_board"),
    path("staff/commitments/", staff.StaffCommitmentListView.as_view(), name="staff_commitments"),
    path("staff/overdue/", staff.OverdueView.as_view(), name="staff_overdue"),
    path("staff/stale/", staff.StaleView.as_view(), name="staff_stale"),
    path("staff/mine/", staff.MineView.as_view(), name="staff_mine"),
    path("staff/drafts/", staff.DraftsView.as_view(), name="staff_drafts"),
    path("staff/milestones/", staff.MilestonesView.as_view(), name="staff_milestones"),
    path("staff/changes/", staff.RecentChangesView.as_view(), name="staff_changes"),
    path("staff/updates/", staff.RecentUpdatesView.as_view(), name="staff_updates"),
    path("staff/commitments/<slug:slug>/", staff.commitment_detail, name="staff_commitment"),
    path("staff/commitments/<slug:slug>/progress/", staff.record_progress_view, name="staff_record_progress"),
    path("staff/commitments/<slug:slug>/publish/", staff.publish_view, name="staff_publish"),
    path("staff/commitments/<slug:slug>/follow/", staff.follow_view, name="staff_follow"),
]
