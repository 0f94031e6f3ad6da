/** Français : le changement de clés (`room rekey`, `mod remove --rekey`, issue 22). */
export const rekey = {
  'tui.helpRekey': "/rekey : donner de nouvelles clés à ce salon, envoyées seulement aux membres qui restent (modérateurs) : après la fuite d'une invitation, ou avec un retrait ; redonnez ensuite invitations, codes de relais et liens pour téléphones.",
  'help.roomRekey': "donner de nouvelles clés au salon, envoyées seulement aux membres qui restent (modérateurs) : après la fuite d'une invitation ; pour un membre retiré ou un appareil saisi, `mod SALON remove MEMBRE --rekey`",
  'help.roomRekeyAfter': "\nLa nouvelle clé est scellée pour chaque membre restant dans des enregistrements signés de votre journal ; leur tamtam bascule seul, tout de suite ou dès qu'il croise quelqu'un qui porte votre journal. Qui n'a que l'ancienne clé (un membre retiré, une vieille invitation) ne lit rien de ce qui est écrit ensuite. Un appareil saisi garde l'identité de son propriétaire, qui reçoit la nouvelle clé si elle n'est pas retirée.\nÀ redonner : les invitations, les codes de relais (`tamtam room relay-code SALON`) et les liens pour téléphones.\n\nExemples :\n  tamtam room rekey atelier\n  tamtam mod atelier remove Moussa --rekey\n",
  'help.modRekey': 'avec remove : donner aussi au salon de nouvelles clés que le membre retiré ne reçoit jamais',
  'rekey.done': '{room} : nouvelles clés (époque {epoch}), scellées pour {recipients} membres dans {records} enregistrements de votre journal ; chaque membre bascule seul',
  'rekey.superseded': "{room} : un autre modérateur a changé les clés au même moment ; le salon suit son changement (époque {epoch})",
  'rekey.relays': "les relais et les téléphones ont les anciennes clés : donnez-leur un nouveau code de relais (`tamtam room relay-code {room}`) et un nouveau lien",
  'rekey.line': 'clés changées',
  'rekey.lineRemoved': 'clés changées : {names} retiré(s)',
  'rekey.epoch': 'clés changées {epoch} fois',
  'rekey.outOfDate': "{room} : les clés de ce salon ont changé sans vous : vous avez été retiré, ou votre invitation est périmée ; demandez une nouvelle invitation à un membre"
}
