/** Français : les clés des messages éphémères (`room set --expire`, issue 21), à part pour que chaque fichier reste court. */
export const expiry = {
  'help.roomSetExpire': 'les messages disparaissent de tous les pairs après cette durée : off, ou de 10s à 365d (par ex. 30m, 24h, 7d)',
  'help.roomSetAfter': '\nLe réglage est un enregistrement signé dans votre journal : chaque pair qui utilise tamtam efface de son disque les messages plus anciens, les messages privés, les annonces de documents et les enregistrements d\'exercices. Les noms, la modération et les réglages sont gardés. Un pair qui utilise un tamtam modifié peut garder des copies.\n\nExemples :\n  tamtam room set atelier --expire 24h\n  tamtam room set atelier --expire off\n',
  'expiry.set': '{room} : les messages disparaissent désormais après {after} (un enregistrement signé dans votre journal ; chaque pair l\'applique)',
  'expiry.off': '{room} : les messages sont gardés (expiration désactivée)',
  'expiry.show': '{room} : les messages disparaissent après {after}',
  'expiry.showOff': '{room} : les messages sont gardés (pas d\'expiration)',
  'expiry.tag': 'expire {after}',
  'expiry.status': 'disparaissent après {after}'
}
