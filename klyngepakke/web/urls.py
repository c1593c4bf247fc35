from django.urls import path

from . import ordering_views, round_closing, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("klynger/", views.cluster_list, name="cluster_list"),
    path("klynger/<slug:code>/", views.cluster_detail, name="cluster_detail"),
    path("pakker/", ordering_views.package_list, name="package_list"),
    path("pakker/<slug:code>/", ordering_views.package_detail, name="package_detail"),
    path("klynger/<slug:code>/bestil/<slug:package_code>/", ordering_views.place_order, name="place_order"),
    path("klynger/<slug:code>/bestillinger/<int:order_id>/annuller/", ordering_views.cancel_order, name="cancel_order"),
    path("klynger/<slug:code>/bestillinger/<int:order_id>/datoer/", ordering_views.reschedule, name="reschedule"),
    path("klynger/<slug:code>/runder/<int:round_id>/luk/", round_closing.close_round, name="round_close"),
    path("klynger/<slug:code>/runder/<int:round_id>/genaabn/", round_closing.reopen_round, name="round_reopen"),
]

from . import members  # noqa: E402

urlpatterns += [
    path("klynger/<slug:code>/medlemmer/", members.members, name="members"),
    path("klynger/<slug:code>/medlemmer/tilfoej/", members.add, name="member_add"),
    path("klynger/<slug:code>/medlemmer/<int:member_id>/email/", members.change_email, name="member_email"),
    path("klynger/<slug:code>/medlemmer/<int:member_id>/udmeld/", members.leave, name="member_leave"),
    path("klynger/<slug:code>/medlemmer/<int:member_id>/genindmeld/", members.rejoin, name="member_rejoin"),
    path("klynger/<slug:code>/medlemmer/runder/<int:round_id>/inviter/", members.invite, name="member_invite"),
    path("klynger/<slug:code>/medlemmer/aendringer/<int:change_id>/fortryd/", members.undo, name="member_undo"),
]

from . import registry_import  # noqa: E402

urlpatterns += [
    path("registret/indlaes/", registry_import.upload, name="registry_upload"),
    path("registret/indlaes/<int:upload_id>/", registry_import.preview, name="registry_preview"),
    path("registret/indlaes/<int:upload_id>/anvend/", registry_import.apply, name="registry_apply"),
]

from . import call_requests  # noqa: E402

urlpatterns += [
    path("opringninger/<int:call_id>/ringet-op/", call_requests.mark_handled, name="call_handled"),
    path("opringninger/<int:call_id>/fortryd/", call_requests.undo_handled, name="call_undo"),
]
