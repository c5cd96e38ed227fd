from django.urls import path

from . import views

app_name = "unions"

urlpatterns = [
    # Grassroots unions (the list also exports: ?export=xlsx)
    path("", views.UnionListView.as_view(), name="union_list"),
    path("add/", views.UnionCreateView.as_view(), name="union_create"),
    path("<int:pk>/", views.UnionDetailView.as_view(), name="union_detail"),
    path("<int:pk>/edit/", views.UnionUpdateView.as_view(), name="union_edit"),
    # Executive committee (BCH)
    path("<int:union_pk>/committee/add/", views.CommitteeMemberCreateView.as_view(), name="committee_create"),
    path("committee/<int:pk>/edit/", views.CommitteeMemberUpdateView.as_view(), name="committee_edit"),
    path("committee/<int:pk>/delete/", views.CommitteeMemberDeleteView.as_view(), name="committee_delete"),
    # Enterprises (the list also exports: ?export=xlsx)
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/add/", views.EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="enterprise_edit"),
    # Yearly workforce figures
    path("enterprises/<int:enterprise_pk>/figures/add/", views.FigureCreateView.as_view(), name="figure_create"),
    path("figures/<int:pk>/edit/", views.FigureUpdateView.as_view(), name="figure_edit"),
    path("figures/<int:pk>/delete/", views.FigureDeleteView.as_view(), name="figure_delete"),
    # Excel import of enterprises and unions (staff)
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    # Reference data
    path("areas/", views.AreaListView.as_view(), name="area_list"),
    path("areas/<int:pk>/", views.AreaDetailView.as_view(), name="area_detail"),
    path("areas/<int:pk>/edit/", views.AreaUpdateView.as_view(), name="area_edit"),
    path("areas/<int:pk>/merge/", views.AreaMergeView.as_view(), name="area_merge"),
    path("areas/<int:pk>/retire/", views.AreaRetireView.as_view(), name="area_retire"),
    # Reorganisations of the tree (upper-level staff)
    path("reorganisations/", views.ReorganisationListView.as_view(), name="reorganisation_list"),
    path("reorganisations/add/", views.ReorganisationCreateView.as_view(), name="reorganisation_create"),
    path("reorganisations/<int:pk>/", views.ReorganisationDetailView.as_view(), name="reorganisation_detail"),
    path("reorganisations/<int:pk>/mapping/", views.ReorganisationMappingView.as_view(), name="reorganisation_mapping"),
    path(
        "reorganisations/<int:pk>/apply/",
        views.ReorganisationActionView.as_view(action="apply"),
        name="reorganisation_apply",
    ),
    path(
        "reorganisations/<int:pk>/undo/",
        views.ReorganisationActionView.as_view(action="undo"),
        name="reorganisation_undo",
    ),
    path("party-organizations/", views.PartyOrganizationListView.as_view(), name="partyorganization_list"),
]
