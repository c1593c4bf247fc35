import base64
import time

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from klyngepakke.registry import demo, selectors


class Command(BaseCommand):
    help = "Print the demo logins, their passwords and clusters, and the consultant's TOTP key and current code."

    def handle(self, *args, **options):
        views = selectors.demo_logins(demo.DEMO_USERNAMES)
        if not any(view.exists for view in views):
            self.stdout.write("No demo logins here; run `manage.py seed_demo` (development only).")
            return
        self.stdout.write(f"Demo logins (synthetic data; password for all: {demo.DEMO_PASSWORD}), see docs/demo.md:")
        for view in views:
            if not view.exists:
                self.stdout.write(f"  {view.username:<13} (missing; run `manage.py seed_demo`)")
                continue
            self.stdout.write(f"  {view.username:<13} {view.role}")
            for cluster in view.clusters:
                self.stdout.write(f"  {'':<13}   {cluster}")
            device = view.totp_device
            # Show the secret and a code only for the published demo key, never for a real device.
            if device is not None and device.key == demo.DEMO_TOTP_KEY_HEX:
                secret = base64.b32encode(device.bin_key).decode()
                code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
                seconds_left = device.step - int(time.time() - device.t0) % device.step
                self.stdout.write(f"  {'':<13}   TOTP key (hex): {device.key}")
                self.stdout.write(f"  {'':<13}   TOTP key (base32, for an authenticator app): {secret}")
                self.stdout.write(f"  {'':<13}   {device.config_url}")
                self.stdout.write(
                    f"  {'':<13}   current code: {code:0{device.digits}d} (valid for {seconds_left} s more)"
                )
