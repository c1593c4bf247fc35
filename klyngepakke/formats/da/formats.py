"""Danish dates and times as Danish writes them: "22. okt. 2026", "kl. 15.30".

The one place for date formats (settings.FORMAT_MODULE_PATH). Templates and e-mails use
the named formats, never their own format strings:

    {{ value|date }}                     22. okt. 2026
    {{ value|date:"DATETIME_FORMAT" }}   22. okt. 2026 kl. 15.30
    {{ value|time }}                     kl. 15.30
    {{ value|date:"MONTH_DAY_FORMAT" }}  22. okt.
    {{ value|date:"SHORT_DATE_FORMAT" }} 22.10.2026

Month abbreviations are Django's Danish ones ("N"): jan., feb., marts, april, maj, juni,
juli, aug., sept., okt., nov., dec. - short months are written in full, as the Danish
Language Council does. Aware datetimes are shown in Europe/Copenhagen (TIME_ZONE). Input
formats stay Django's Danish ones.
"""

from django.conf.locale.da.formats import *  # noqa: F403

DATE_FORMAT = "j. N Y"
TIME_FORMAT = r"\k\l. H.i"
DATETIME_FORMAT = r"j. N Y \k\l. H.i"
MONTH_DAY_FORMAT = "j. N"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = r"d.m.Y \k\l. H.i"
