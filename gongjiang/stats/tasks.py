"""Thin tasks for the worker (``manage.py db_worker``); cron may call the commands instead."""

from django_tasks import task

from . import fill, reports


@task()
def update_stats_task() -> None:
    fill.update_stats()


@task()
def monthly_bulletins_task() -> None:
    """Run on the first of the month: fill, then write last month's bulletins."""
    fill.update_stats()
    reports.make_bulletins()
