from django.urls import path

app_name = "reports"

# The report centre (SPEC §4) is mounted here.
urlpatterns: list[path] = []
