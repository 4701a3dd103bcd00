/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verb table. One line per verb: RB_VERB(name, function, summary).
 * main.c expands it into the dispatch table and `ringboot help`.
 * Each function lives in the file of its concern.
 */
RB_VERB("help", cmd_help, "list verbs, or show one verb's usage")
RB_VERB("version", cmd_version, "print the version")
RB_VERB("script", cmd_script, "interpret an upgrade script or settings file offline")
RB_VERB("sson", cmd_sson, "parse a DHCP option 242/176 string")
RB_VERB("image", cmd_image, "keygen, pack, verify, show or install a signed image")
RB_VERB("status", cmd_status, "show the A/B slots and the active image")
RB_VERB("mark-good", cmd_mark_good, "confirm the running image (no rollback)")
RB_VERB("count-boot", cmd_count_boot, "count a boot of an unconfirmed image; roll back past N")
RB_VERB("fetch", cmd_fetch, "download URLs (tftp://) into files")
RB_VERB("dhcp", cmd_dhcp, "acquire a DHCPv4 lease, configure the interface, print the parameters")
RB_VERB("boot", cmd_boot, "run the initialization: DHCP, upgrade script, image, settings")
