from django.urls import path

from . import views

app_name = "unions"

urlpatterns = [
    path("", views.UnionListView.as_view(), name="union_list"),
    path("<int:pk>/", views.UnionDetailView.as_view(), name="union_detail"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("areas/", views.AreaListView.as_view(), name="area_list"),
    path("areas/<int:pk>/", views.AreaDetailView.as_view(), name="area_detail"),
    path("areas/<int:pk>/edit/", views.AreaUpdateView.as_view(), name="area_edit"),
    path("areas/<int:pk>/merge/", views.AreaMergeView.as_view(), name="area_merge"),
    path("areas/<int:pk>/retire/", views.AreaRetireView.as_view(), name="area_retire"),
    path("party-organizations/", views.PartyOrganizationListView.as_view(), name="partyorganization_list"),
]
