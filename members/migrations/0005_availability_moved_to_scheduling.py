# Specialists' availability (slots, bookings, absences) now belongs to the scheduling app, which
# took these models over on the same tables (scheduling 0001): they leave members' state only;
# no table and no row is touched.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0004_membership_directory_availability'),
        ('scheduling', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='Booking'),
                migrations.DeleteModel(name='AvailabilitySlot'),
                migrations.DeleteModel(name='Absence'),
            ],
        ),
    ]
