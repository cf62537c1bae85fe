from django.urls import path

from . import views

app_name = "innovations"
urlpatterns = [
    path("", views.innovation_list, name="list"),
    path("new/", views.innovation_create, name="create"),
    path("decide/", views.innovations_bulk, name="decide_many"),
    path("<int:pk>/", views.innovation_detail, name="detail"),
    path("<int:pk>/check/", views.innovation_check, name="check"),
    path("<int:pk>/appraise/", views.innovation_appraise, name="appraise"),
    path("<int:pk>/calculate/", views.innovation_calculate, name="calculate"),
    path("<int:pk>/confirm/", views.innovation_confirm, name="confirm"),
    path("<int:pk>/send-back/", views.innovation_send_back, name="send_back"),
    path("<int:pk>/notice/", views.innovation_notice, name="notice"),
    path("<int:pk>/object/", views.innovation_object, name="object"),
    path("<int:pk>/recognise/", views.innovation_recognise, name="recognise"),
    path("<int:pk>/reject/", views.innovation_reject, name="reject"),
    path("<int:pk>/rewards/", views.innovation_rewards, name="rewards"),
    path("<int:pk>/attachments/", views.attachments_add, name="attachments_add"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
]
