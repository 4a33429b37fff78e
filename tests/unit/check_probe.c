/*
 * check_probe.c: where the probe connects before openssl does: the host
 * and port of cmp_server in each form openssl takes, or the proxy openssl
 * would use (cmp_proxy, then http_proxy/https_proxy), unless a no_proxy
 * list names the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"
#include "config.h"
#include "probe.h"

struct target_case {
	const char	*keys;		/* lines after cmp_server = ... */
	const char	*server;
	const char	*http_proxy, *https_proxy, *no_proxy;
	int		 want;		/* probe_target's result */
	const char	*host, *port, *from;	/* from: "" when direct */
};

static const struct target_case targets[] = {
	{ "", "ca.example:8080", NULL, NULL, NULL, 1, "ca.example", "8080", "" },
	{ "", "ca.example", NULL, NULL, NULL, 1, "ca.example", "80", "" },
	{ "", "http://ca.example/pkix/", NULL, NULL, NULL, 1, "ca.example",
	  "80", "" },
	{ "", "https://ca.example/pkix", NULL, NULL, NULL, 1, "ca.example",
	  "443", "" },
	/* -tls_used alone keeps openssl's default port 80 */
	{ "cmp_tls_used = TRUE\n", "ca.example", NULL, NULL, NULL, 1,
	  "ca.example", "80", "" },
	{ "", "http://user@ca.example:81/x", NULL, NULL, NULL, 1,
	  "ca.example", "81", "" },
	{ "", "[::1]:8443", NULL, NULL, NULL, 1, "::1", "8443", "" },
	{ "", "[::1]", NULL, NULL, NULL, 1, "::1", "80", "" },
	/* openssl answers itself, or from files: nothing to reach */
	{ "cmp_use_mock_srv = True\n", "ca.example", NULL, NULL, NULL, 0,
	  NULL, NULL, NULL },
	{ "cmp_rspin = a.der\n", "ca.example", NULL, NULL, NULL, 0,
	  NULL, NULL, NULL },
	{ "cmp_rspin = False\n", "ca.example", NULL, NULL, NULL, 1,
	  "ca.example", "80", "" },
	{ "", ":80", NULL, NULL, NULL, 0, NULL, NULL, NULL },
	/* proxies */
	{ "cmp_proxy = http://proxy.example:3128\n", "ca.example", NULL,
	  NULL, NULL, 1, "proxy.example", "3128", "cmp_proxy" },
	{ "cmp_proxy = proxy.example\n", "ca.example", NULL, NULL, NULL, 1,
	  "proxy.example", "80", "cmp_proxy" },
	{ "", "ca.example", "http://env-proxy:8000", NULL, NULL, 1,
	  "env-proxy", "8000", "http_proxy" },
	{ "", "https://ca.example", "http://env-proxy:8000",
	  "http://tls-proxy:8001", NULL, 1, "tls-proxy", "8001",
	  "https_proxy" },
	{ "cmp_tls_used = True\n", "ca.example:8443", "http://env-proxy:8000",
	  "http://tls-proxy:8001", NULL, 1, "tls-proxy", "8001",
	  "https_proxy" },
	{ "", "ca.example", "http://env-proxy:8000", NULL, "other, ca.example",
	  1, "ca.example", "80", "" },
	{ "", "ca.example", "http://env-proxy:8000", NULL, "ca.example.org",
	  1, "env-proxy", "8000", "http_proxy" },
	{ "cmp_no_proxy = ca.example\n", "ca.example", "http://p:1", NULL,
	  NULL, 1, "ca.example", "80", "" },
	{ "cmp_proxy = http://p:2\ncmp_no_proxy = x y\n", "ca.example", NULL,
	  NULL, NULL, 1, "p", "2", "cmp_proxy" },
	/* cmp_proxy = False leaves -proxy out: the environment decides */
	{ "cmp_proxy = False\n", "ca.example", "http://env-proxy:8000", NULL,
	  NULL, 1, "env-proxy", "8000", "http_proxy" },
};

static void
set_or_unset(const char *name, const char *value)
{
	if (value != NULL)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

START_TEST(probe_targets)
{
	const struct target_case *tc = &targets[_i];
	struct probe_target	  t;
	struct config		  cfg;
	char			  text[512];

	snprintf(text, sizeof(text), "[CAhandler]\ncmp_server = %s\n%s",
	    tc->server, tc->keys);
	ut_config(text, &cfg);
	unsetenv("HTTP_PROXY");
	unsetenv("HTTPS_PROXY");
	unsetenv("NO_PROXY");
	set_or_unset("http_proxy", tc->http_proxy);
	set_or_unset("https_proxy", tc->https_proxy);
	set_or_unset("no_proxy", tc->no_proxy);
	ck_assert_msg(probe_target(&cfg, &t) == tc->want, "case %d: %s", _i,
	    tc->server);
	if (tc->want) {
		ck_assert_str_eq(t.host, tc->host);
		ck_assert_str_eq(t.port, tc->port);
		ck_assert_str_eq(t.proxy_from, tc->from);
		ck_assert_int_eq(t.proxy, *tc->from != '\0');
	}
	unsetenv("http_proxy");
	unsetenv("https_proxy");
	unsetenv("no_proxy");
	config_free(&cfg);
}
END_TEST

/* As OpenSSL reads them: HTTP_PROXY only when http_proxy is unset. */
START_TEST(probe_upper_case_proxy)
{
	static const char	 text[] = "[CAhandler]\ncmp_server = ca.example\n";
	struct probe_target	 t;
	struct config		 cfg;

	ut_config(text, &cfg);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	unsetenv("http_proxy");
	setenv("HTTP_PROXY", "http://up:3", 1);
	ck_assert_int_eq(probe_target(&cfg, &t), 1);
	ck_assert_str_eq(t.host, "up");
	ck_assert_str_eq(t.proxy_from, "HTTP_PROXY");
	setenv("http_proxy", "", 1);
	ck_assert_int_eq(probe_target(&cfg, &t), 1);
	ck_assert_str_eq(t.host, "ca.example");
	ck_assert_int_eq(t.proxy, 0);
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	config_free(&cfg);
}
END_TEST

Suite *
probe_suite(void)
{
	Suite	*s = suite_create("probe");
	TCase	*tc = tcase_create("targets");

	tcase_add_loop_test(tc, probe_targets, 0,
	    (int)(sizeof(targets) / sizeof(targets[0])));
	tcase_add_test(tc, probe_upper_case_proxy);
	suite_add_tcase(s, tc);
	return s;
}
