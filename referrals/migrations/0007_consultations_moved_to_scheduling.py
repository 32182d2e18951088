# Advanced consultations (sites, plans, sessions, appointments, swaps) and calendar feeds now
# belong to the scheduling app, which took these models over on the same tables (scheduling
# 0001): they leave referrals' state only; no table and no row is touched.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0006_referral_taken_from_offer'),
        ('scheduling', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='Appointment'),
                migrations.DeleteModel(name='SwapRequest'),
                migrations.DeleteModel(name='ConsultationSession'),
                migrations.DeleteModel(name='ConsultationPlan'),
                migrations.DeleteModel(name='ConsultationSite'),
                migrations.DeleteModel(name='CalendarFeed'),
            ],
        ),
    ]
