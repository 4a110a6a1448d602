"""Print a JWT for a loaded BottleCRM user, as JSON {"access", "org_id", "email", "expires_in_s"}.

Runs INSIDE the peer's virtual environment (serve.py's `mint_token` calls it). BottleCRM's API
logs in by magic link or Google only, and its `devlogin` command refuses to run with DEBUG off,
so this mints the token the way its login views do: OrgAwareRefreshToken.for_user_and_org, which
signs the org_id claim the middleware reads (no org header is needed). Tokens live one hour.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
import django

django.setup()

from common.models import Org, Profile, User  # noqa: E402
from common.serializer import OrgAwareRefreshToken  # noqa: E402
from django.conf import settings  # noqa: E402

email = sys.argv[1] if len(sys.argv) > 1 else "admin@bench.example"
org_name = sys.argv[2] if len(sys.argv) > 2 else "BenchOrg"
user = User.objects.get(email=email)
org = Org.objects.get(name=org_name)
profile = Profile.objects.get(user=user, org=org, is_active=True)
token = OrgAwareRefreshToken.for_user_and_org(user, org, profile)
lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
print(
    json.dumps(
        {
            "access": str(token.access_token),
            "org_id": str(org.id),
            "email": email,
            "expires_in_s": int(lifetime),
            "django": django.get_version(),
        }
    )
)
