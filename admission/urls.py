from django.urls import path

from . import views

app_name = "admission"

urlpatterns = [
    path("<int:pk>/", views.dossier_page, name="dossier"),
    path("<int:pk>/items/<int:item_pk>/", views.record_item, name="record_item"),
    path("items/<int:item_pk>/file/", views.attachment, name="attachment"),
]
