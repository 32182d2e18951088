# The models of places and times move here from members (availability) and referrals (advanced
# consultations) with their tables and rows: this migration only tells Django's state that
# they now belong to scheduling, on the tables that already hold them (members 0004,
# referrals 0005). members 0005 and referrals 0007 take them out of their old apps' state;
# scheduling 0002 then renames the tables to scheduling_*.

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ess', '0009_notification_kinds_merged'),
        ('members', '0004_membership_directory_availability'),
        ('partners', '0002_reference_data'),
        ('referrals', '0005_advanced_consultations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ConsultationSite',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=150, verbose_name='nom du site')),
                        ('address', models.CharField(max_length=250, verbose_name='adresse')),
                        ('rooms', models.TextField(blank=True, verbose_name='locaux et équipement')),
                        ('accessibility', models.TextField(blank=True, verbose_name='accessibilité')),
                        ('underserved', models.BooleanField(default=False, verbose_name='zone sous-dotée')),
                        ('active', models.BooleanField(default=True, verbose_name='actif')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('commune', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ess.commune', verbose_name='commune')),
                        ('convention', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consultation_sites', to='partners.convention', verbose_name="convention d'accueil")),
                        ('host', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consultation_sites', to='partners.partner', verbose_name="structure d'accueil")),
                        ('specialties', models.ManyToManyField(related_name='+', to='ess.specialty', verbose_name='spécialités proposées')),
                    ],
                    options={
                        'verbose_name': 'site de consultation avancée',
                        'db_table': 'referrals_consultationsite',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ConsultationPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'lundi'), (1, 'mardi'), (2, 'mercredi'), (3, 'jeudi'), (4, 'vendredi'), (5, 'samedi')], verbose_name='jour')),
                        ('start_time', models.TimeField(verbose_name='début')),
                        ('end_time', models.TimeField(verbose_name='fin')),
                        ('season_start', models.DateField(verbose_name='début de saison')),
                        ('season_end', models.DateField(verbose_name='fin de saison')),
                        ('capacity', models.PositiveSmallIntegerField(verbose_name='nombre de rendez-vous')),
                        ('slot_minutes', models.PositiveSmallIntegerField(verbose_name="durée d'un rendez-vous (minutes)")),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('specialty', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ess.specialty', verbose_name='spécialité')),
                        ('volunteers', models.ManyToManyField(blank=True, related_name='consultation_plans', to=settings.AUTH_USER_MODEL, verbose_name='spécialistes volontaires')),
                        ('site', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='scheduling.consultationsite')),
                    ],
                    options={
                        'verbose_name': 'programme de consultations avancées',
                        'db_table': 'referrals_consultationplan',
                        'ordering': ['site__name', 'weekday', 'start_time'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('end_time__gt', models.F('start_time'))), name='plan_ends_after_start'), models.CheckConstraint(condition=models.Q(('season_end__gte', models.F('season_start'))), name='plan_season_ordered'), models.CheckConstraint(condition=models.Q(('capacity__gte', 1)), name='plan_capacity_positive'), models.CheckConstraint(condition=models.Q(('slot_minutes__gte', 5)), name='plan_slot_minutes')],
                    },
                ),
                migrations.CreateModel(
                    name='ConsultationSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('date', models.DateField(verbose_name='date')),
                        ('starts_at', models.DateTimeField(verbose_name='début')),
                        ('ends_at', models.DateTimeField(verbose_name='fin')),
                        ('capacity', models.PositiveSmallIntegerField(verbose_name='nombre de rendez-vous')),
                        ('slot_minutes', models.PositiveSmallIntegerField(verbose_name="durée d'un rendez-vous (minutes)")),
                        ('status', models.CharField(choices=[('draft', 'Brouillon'), ('published', 'Publiée'), ('cancelled', 'Annulée')], default='draft', max_length=12, verbose_name='statut')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='scheduling.consultationplan')),
                        ('specialist', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consultation_sessions', to=settings.AUTH_USER_MODEL, verbose_name='spécialiste')),
                        ('specialty', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ess.specialty')),
                        ('site', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='scheduling.consultationsite')),
                    ],
                    options={
                        'verbose_name': 'consultation avancée',
                        'db_table': 'referrals_consultationsession',
                        'ordering': ['starts_at', 'pk'],
                        'indexes': [models.Index(fields=['specialty', 'status', 'starts_at'], name='session_bookable'), models.Index(fields=['specialist', 'starts_at'], name='session_by_specialist')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='session_ends_after_start'), models.CheckConstraint(condition=models.Q(('capacity__gte', 1)), name='session_capacity_positive'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('specialist__isnull', False), _connector='OR'), name='session_published_has_specialist'), models.UniqueConstraint(condition=models.Q(('plan__isnull', False)), fields=('plan', 'date'), name='session_one_per_plan_date')],
                    },
                ),
                migrations.CreateModel(
                    name='Appointment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('position', models.PositiveSmallIntegerField()),
                        ('starts_at', models.DateTimeField(verbose_name='heure du rendez-vous')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('booked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('referral', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='consultation_appointment', to='referrals.referral')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='scheduling.consultationsession')),
                    ],
                    options={
                        'verbose_name': 'rendez-vous de consultation avancée',
                        'db_table': 'referrals_appointment',
                        'ordering': ['starts_at', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('session', 'position'), name='appointment_one_per_position')],
                    },
                ),
                migrations.CreateModel(
                    name='SwapRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('reason', models.CharField(blank=True, max_length=300, verbose_name='motif')),
                        ('status', models.CharField(choices=[('pending', 'En attente'), ('approved', 'Acceptée'), ('refused', 'Refusée')], default='pending', max_length=10)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decision_note', models.CharField(blank=True, max_length=300)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('replacement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='remplaçant')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='swap_requests', to='scheduling.consultationsession')),
                    ],
                    options={
                        'verbose_name': "demande d'échange",
                        'db_table': 'referrals_swaprequest',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('session',), name='swap_one_pending_per_session')],
                    },
                ),
                migrations.CreateModel(
                    name='CalendarFeed',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key_hash', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feeds', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'agenda iCalendar',
                        'db_table': 'referrals_calendarfeed',
                    },
                ),
                migrations.CreateModel(
                    name='AvailabilitySlot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('starts_at', models.DateTimeField(verbose_name='début')),
                        ('ends_at', models.DateTimeField(verbose_name='fin')),
                        ('teleconsultation', models.BooleanField(default=False, verbose_name='téléconsultation')),
                        ('place', models.CharField(blank=True, max_length=200, verbose_name='lieu')),
                        ('capacity', models.PositiveSmallIntegerField(default=1, verbose_name='nombre de patients')),
                        ('booked', models.PositiveSmallIntegerField(default=0)),
                        ('series', models.UUIDField(blank=True, db_index=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('specialist', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='slots', to=settings.AUTH_USER_MODEL)),
                        ('specialty', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ess.specialty')),
                    ],
                    options={
                        'verbose_name': 'créneau',
                        'db_table': 'members_availabilityslot',
                        'ordering': ['starts_at', 'pk'],
                        'indexes': [models.Index(fields=['specialty', 'starts_at'], name='slot_by_specialty'), models.Index(fields=['specialist', 'starts_at'], name='slot_by_specialist')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('capacity__gte', 1)), name='slot_capacity_positive'), models.CheckConstraint(condition=models.Q(('booked__lte', models.F('capacity'))), name='slot_never_overbooked'), models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='slot_ends_after'), models.CheckConstraint(condition=models.Q(('teleconsultation', True), models.Q(('place', ''), _negated=True), _connector='OR'), name='slot_has_place')],
                    },
                ),
                migrations.CreateModel(
                    name='Booking',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('booked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('referral', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='booking', to='referrals.referral')),
                        ('slot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bookings', to='scheduling.availabilityslot')),
                    ],
                    options={
                        'verbose_name': 'réservation de créneau',
                        'db_table': 'members_booking',
                    },
                ),
                migrations.CreateModel(
                    name='Absence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('starts_on', models.DateField(verbose_name='du')),
                        ('ends_on', models.DateField(verbose_name='au (inclus)')),
                        ('reason', models.CharField(blank=True, max_length=200, verbose_name='motif (facultatif)')),
                        ('specialist', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='absences', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'absence',
                        'db_table': 'members_absence',
                        'ordering': ['starts_on'],
                        'indexes': [models.Index(fields=['specialist', 'ends_on'], name='absence_by_specialist')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='absence_ends_after_start')],
                    },
                ),
            ],
        ),
    ]
