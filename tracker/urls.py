from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from commitments.views.language import switch_language

urlpatterns = [
    path("language/<str:code>/", switch_language, name="switch_language"),
]
# English at unprefixed URLs; Urdu under /ur/, Chinese under /zh-hans/.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("commitments.urls")),
    prefix_default_language=False,
)

handler400 = "commitments.views.errors.bad_request"
