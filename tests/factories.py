"""factory_boy factories with traits per role."""

import factory
from allauth.account.models import EmailAddress
from django.conf import settings

from ess.models import Specialty
from ess.roles import Role
from members.models import Organisation, OrganisationKind, Profession, RoleGrant, User

PASSWORD = "un-mot-de-passe-solide-2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Cabinet médical n°{n}")
    kind = OrganisationKind.PRACTICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"pro{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    profession = Profession.PHYSICIAN
    password = factory.django.Password(PASSWORD)

    class Params:
        requester = factory.Trait(
            roles=[Role.REQUESTER], organisation=factory.SubFactory(OrganisationFactory)
        )
        coordinator = factory.Trait(roles=[Role.COORDINATOR], profession=Profession.COORDINATOR)
        specialist = factory.Trait(
            roles=[Role.SPECIALIST],
            specialty=factory.LazyFunction(
                lambda: Specialty.objects.get_or_create(
                    code="cardiologie", defaults={"label": "Cardiologie"}
                )[0]
            ),
        )
        paramedic = factory.Trait(roles=[Role.PARAMEDIC], profession=Profession.ADVANCED_NURSE)
        manager = factory.Trait(roles=[Role.MANAGER])
        authority = factory.Trait(roles=[Role.AUTHORITY], profession=Profession.ADMINISTRATIVE)
        demo = factory.Trait(
            is_demo=True, password=factory.django.Password(settings.ESS_DEMO_PASSWORD)
        )

    # Not a model field: popped in _create and written as RoleGrant rows.
    roles: tuple = ()

    @classmethod
    def _create(cls, model_class, *args, roles=(), **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
        return user

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
