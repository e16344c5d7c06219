/*
 * The help and version texts; see help.h.
 */
#include "help.h"

#include "gaix.h"

static const char help_text[] =
    "Usage: gaix [OPTION]... HOST [SERVICE]\n"
    "       gaix --reverse [OPTION]... ADDRESS [PORT]\n"
    "Ask gaix_getaddrinfo() for every way to reach SERVICE on HOST; print the list.\n"
    "With --reverse, ask gaix_getnameinfo() for the name of ADDRESS and of PORT.\n"
    "\n"
    "HOST is a name, a numeric IPv4 or IPv6 address (a scope too: fe80::1%eth0), \"*\",\n"
    "or \"-\" for no host at all (NULL: the wildcard address with --flags passive, else\n"
    "loopback). SERVICE is a service name or a port number; omit it, or give \"-\", for\n"
    "no service. Options may come before or after HOST and SERVICE; \"--\" ends them.\n"
    "\n"
    "Hints (names in any case; the C prefix AF_, SOCK_, IPPROTO_ or AI_ is optional):\n"
    "  -4                     IPv4 only, the same as --family inet\n"
    "  -6                     IPv6 only, the same as --family inet6\n"
    "      --family FAMILY    unspec (the default), inet, inet6 or a number\n"
    "      --socktype TYPE    stream, dgram, raw, seqpacket, dccp or a number\n"
    "                         (default 0: every type)\n"
    "      --protocol PROTO   tcp, udp, sctp, udplite, dccp or a number\n"
    "                         (default 0: every protocol)\n"
    "      --flags LIST       AI_* flags separated by commas: passive, canonname,\n"
    "                         numerichost, numericserv, v4mapped, all, addrconfig,\n"
    "                         idn, canonidn, or a number such as 0x28; repeatable,\n"
    "                         the flags add up\n"
    "\n"
    "Reverse lookup (getnameinfo):\n"
    "      --reverse          ADDRESS is a numeric IPv4 or IPv6 address, an IPv6 one\n"
    "                         with an optional scope (fe80::1%eth0, fe80::1%2);\n"
    "                         PORT is a number (default 0). Hints do not apply.\n"
    "      --ni-flags LIST    NI_* flags separated by commas: numerichost,\n"
    "                         numericserv, nofqdn, namereqd, dgram, idn, or a number;\n"
    "                         repeatable, the flags add up\n"
    "\n"
    "Configuration (any of these makes a context of its own; without them gaix uses\n"
    "the default context, which reads the system's files):\n"
    "      --hosts FILE       read FILE instead of /etc/hosts (\"\" for no hosts file)\n"
    "      --services FILE    read FILE instead of /etc/services (\"\" for none)\n"
    "      --gai-conf FILE    read FILE instead of /etc/gai.conf (\"\" for none)\n"
    "      --policy POLICY    the built-in sort table that gai.conf modifies:\n"
    "                         rfc6724 (RFC 6724, the default) or glibc (the order of\n"
    "                         the system's C library)\n"
    "\n"
    "Output:\n"
    "      --format FORMAT    table (the default), python, json or getent\n"
    "  -h, --help             print this help and exit\n"
    "  -V, --version          print the version and exit\n"
    "\n"
    "Formats:\n"
    "  table   aligned columns ADDRESS PORT FAMILY SOCKTYPE PROTOCOL, then\n"
    "          \"canonical name: NAME\" when there is one; with --reverse HOST SERVICE\n"
    "  python  exactly what Python prints for socket.getaddrinfo()'s list with each\n"
    "          family and type as a plain int: [(2, 1, 6, '', ('127.0.0.1', 21))];\n"
    "          with --reverse for socket.getnameinfo(): ('localhost', 'http')\n"
    "  json    {\"query\":{...},\"results\":[...]}, with --reverse\n"
    "          {\"query\":{...},\"host\":\"...\",\"service\":\"...\"}; or\n"
    "          {\"query\":{...},\"error\":{...}} on failure (the only format that\n"
    "          writes to stdout on failure)\n"
    "  getent  the lines of `getent ahosts`: address, socket type, canonical name;\n"
    "          with --reverse the line of `getent hosts ADDRESS`: address, name\n"
    "\n"
    "On failure stderr gets one line, \"gaix: HOST SERVICE: MESSAGE (EAI_NAME)\", with\n"
    "\"-\" for no host or no service (with --reverse \"gaix: ADDRESS PORT: ...\").\n"
    "\n"
    "Exit status:\n"
    "  0   success\n"
    "  64  bad arguments: a usage error, or EAI_BADFLAGS, EAI_FAMILY, EAI_SOCKTYPE\n"
    "  68  not found: EAI_NONAME, EAI_NODATA, EAI_SERVICE, EAI_ADDRFAMILY\n"
    "  70  any other failure: EAI_FAIL, EAI_MEMORY, EAI_SYSTEM, ...\n"
    "  75  temporary failure: EAI_AGAIN (the same query may work later)\n"
    "\n"
    "Examples, the queries of the Python session gaix reproduces:\n"
    "  gaix localhost ftp --socktype stream --flags addrconfig,v4mapped --format python\n"
    "  gaix iana.org www --socktype stream --flags addrconfig,v4mapped --format python\n"
    "  gaix iana.org www --socktype stream --format python\n"
    "and others:\n"
    "  gaix - 8080 --flags passive --socktype stream   where to listen on port 8080\n"
    "  gaix -6 localhost http --format json             IPv6 only, as JSON\n"
    "  gaix --reverse 192.0.2.1 80 --ni-flags namereqd  the names of 192.0.2.1 and 80\n"
    "  gaix printer.lan ipp --hosts ./hosts --services ./services --format getent\n";

void cli_help_print(FILE *out)
{
    fputs(help_text, out);
}

void cli_version_print(FILE *out)
{
    fprintf(out, "gaix %s\n", gaix_version());
}

void cli_usage_error_print(FILE *err, const char *message)
{
    fprintf(err, "gaix: %s\nTry 'gaix --help' for more information.\n", message);
}
