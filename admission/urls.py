from django.urls import path

from . import views

app_name = "admission"

urlpatterns = [
    path("due/", views.due_list, name="due_list"),
    path("residence/", views.residence_waiting, name="residence_waiting"),
    path("<int:pk>/", views.dossier_page, name="dossier"),
    path("<int:pk>/items/<int:item_pk>/", views.record_item, name="record_item"),
    path("<int:pk>/steps/<slug:step>/", views.record_step, name="record_step"),
    path("<int:pk>/resolution.xlsx", views.resolution_document, name="resolution"),
    path("<int:pk>/residence/", views.residence_request_new, name="residence_request"),
    path("residence/<int:request_pk>/reply/", views.residence_reply, name="residence_reply"),
    path("residence/<int:request_pk>/file/", views.residence_attachment, name="residence_attachment"),
    path("residence/<int:request_pk>/letter.xlsx", views.residence_letter, name="residence_letter"),
    path("items/<int:item_pk>/file/", views.attachment, name="attachment"),
]
