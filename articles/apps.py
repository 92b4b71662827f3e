from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsdesk"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from articles.services.preferences import restore_preferences
        from articles.tables import remember_render_signatures

        user_logged_in.connect(restore_preferences, dispatch_uid="newsdesk-preferences")
        remember_render_signatures()
