from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import api, feeds
from .cache import cached_public_page, commitment_scopes, site_scopes
from .views import desk, open_data, public, staff

app_name = "commitments"

# Public pages are cached; each names the slices of content it shows (cache.py).
site_page = cached_public_page(site_scopes)
commitment_page = cached_public_page(commitment_scopes)

urlpatterns = [
    path("", site_page(public.dashboard), name="dashboard"),
    path("commitments/", site_page(public.CommitmentListView.as_view()), name="commitment_list"),
    path(
        "commitments/<slug:slug>/",
        commitment_page(public.CommitmentDetailView.as_view()),
        name="commitment_detail",
    ),
    path("commitments/<slug:slug>/feed/", commitment_page(feeds.CommitmentUpdatesFeed()), name="commitment_feed"),
    path("pillars/", site_page(public.PillarListView.as_view()), name="pillar_list"),
    path("pillars/<slug:slug>/", site_page(public.PillarDetailView.as_view()), name="pillar_detail"),
    path("sources/", site_page(public.SourceListView.as_view()), name="source_list"),
    path("sources/<slug:slug>/", site_page(public.SourceDetailView.as_view()), name="source_detail"),
    path("map/", site_page(public.commitment_map), name="map"),
    path("feed/", site_page(feeds.UpdatesFeed()), name="feed"),
    path(
        "api/commitments/",
        site_page(api.CommitmentViewSet.as_view({"get": "list"})),
        name="api-commitment-list",
    ),
    path(
        "api/commitments/<slug:slug>/",
        commitment_page(api.CommitmentViewSet.as_view({"get": "retrieve"})),
        name="api-commitment-detail",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/", site_page(open_data.api_docs), name="api_docs"),
    path("opendata/", site_page(open_data.open_data), name="open_data"),
    path("iati/activities.xml", site_page(open_data.iati_activities), name="iati_activities"),
    path("iati/activities/<slug:slug>.xml", commitment_page(open_data.iati_activity), name="iati_activity"),
    path("opendata/aiddata.csv", site_page(open_data.aiddata_csv), name="aiddata_csv"),
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
    path("staff/commitments/<slug:slug>/check/", staff.check_view, name="staff_check"),
    path("staff/commitments/<slug:slug>/verdict/", staff.verdict_view, name="staff_verdict"),
    path("staff/evidence/<int:pk>/archive/", staff.archived_copy, name="staff_archived_copy"),
    path("staff/desk/", desk.desk_home, name="desk"),
    path("staff/desk/<slug:slug>/", desk.desk_source, name="desk_source"),
    path("staff/desk/<slug:slug>/draft/", desk.desk_draft, name="desk_draft"),
    path("staff/desk/<slug:slug>/draft-checked/", desk.desk_draft_checked, name="desk_draft_checked"),
    path("staff/desk/<slug:slug>/catalogue.yaml", desk.desk_catalogue, name="desk_catalogue"),
]
