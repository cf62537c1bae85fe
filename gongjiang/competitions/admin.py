from django.contrib import admin

from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Operators enter each year's holidays and make-up working days (国务院办公厅 notice)."""

    list_display = ("day", "name", "is_working_day")
    list_filter = ("is_working_day",)
