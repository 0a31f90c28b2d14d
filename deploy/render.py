"""Fill in ``deploy/nginx-site.conf.template``: the site for a server, or a whole nginx.conf for a trial.

On the server (README, "Deploying")::

    python3 deploy/render.py --name thidua.example.vn --ports 8501 8502 \\
        --cert /etc/letsencrypt/live/thidua.example.vn/fullchain.pem \\
        --key /etc/letsencrypt/live/thidua.example.vn/privkey.pem > /etc/nginx/sites-available/thidua

With ``--standalone PREFIX`` it writes a complete ``nginx.conf`` that runs unprivileged from
``PREFIX`` (pid, logs, temporary files and the cache there): ``nginx -p PREFIX -c PREFIX/nginx.conf``.
The tests render the same site that way, on loopback ports.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx-site.conf.template"


def site(*, name: str, ports: list[int], cert: str, key: str, https: str = "443", http: str = "80",
         cache: str = "/var/lib/nginx/thidua-standings", acme: str = "/var/www/acme",
         host: str = "127.0.0.1") -> str:
    """The site's text: the template with every placeholder filled (raises if one is left)."""
    if not ports:
        raise ValueError("at least one app port is needed")
    # one host name, or an IPv4 address: a space would give nginx two names, a ";" another directive
    for field, value in (("name", name), ("cert", cert), ("key", key), ("cache", cache), ("acme", acme)):
        if not value or any(c.isspace() or c in ';{}"\'' for c in value):
            raise ValueError(f"--{field} {value!r}: empty, or holds a space, quote, brace or ';'")
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?", name):
        raise ValueError(f"--name {name!r} is not a host name or an IPv4 address")
    https_port = https.rsplit(":", 1)[-1]
    values = {
        "SERVER_NAME": name, "HTTPS": https, "HTTP": http, "CERT": cert, "KEY": key, "CACHE": cache,
        "ACME": acme, "HTTPS_PORT": "" if https_port == "443" else f":{https_port}",
        "SERVERS": "\n    ".join(f"server {host}:{port} max_fails=0;" for port in ports),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for placeholder, value in values.items():
        text = text.replace("{{" + placeholder + "}}", value)
    if "{{" in text:
        raise ValueError(f"a placeholder is left: {text[text.index('{{'):][:30]}")
    return text


def standalone(prefix: Path, site_text: str) -> str:
    """A complete ``nginx.conf`` around ``site_text`` that runs as any user from ``prefix``."""
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    (prefix / "site.conf").write_text(site_text, encoding="utf-8")
    return f"""worker_processes 1;
worker_rlimit_nofile 20000;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 16384; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/site.conf;
}}
"""


def main(argv: list[str] | None = None) -> int:
    """The command line: the site on stdout, or with ``--standalone`` a runnable ``PREFIX/nginx.conf``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--name", required=True, help="the public name (or the LAN name or IP)")
    parser.add_argument("--ports", type=int, nargs="+", required=True, help="the app processes' ports")
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--https", default="443")
    parser.add_argument("--http", default="80")
    parser.add_argument("--cache", default="/var/lib/nginx/thidua-standings")
    parser.add_argument("--acme", default="/var/www/acme")
    parser.add_argument("--standalone", type=Path, metavar="PREFIX")
    args = parser.parse_args(argv)
    try:
        text = site(name=args.name, ports=args.ports, cert=args.cert, key=args.key, https=args.https,
                    http=args.http, cache=args.cache, acme=args.acme)
    except ValueError as exc:
        parser.error(str(exc))  # exit 2 with the reason
    if args.standalone:
        prefix = args.standalone.resolve()
        (prefix / "nginx.conf").write_text(standalone(prefix, text), encoding="utf-8")
        print(prefix / "nginx.conf")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
