/** Français : les clés du serveur web pour téléphones (`up --web`, issue 20), à part pour que chaque fichier reste court. */
export const web = {
  'help.web': 'servir aussi les téléphones du réseau local : une page web et un WebSocket par lesquels un téléphone rejoint un salon depuis son navigateur',
  'help.webPort': 'port du serveur web pour téléphones',
  'help.webMaxSessions': 'nombre maximal de sessions de téléphones à la fois sur cet hôte ; les suivants apprennent que l\'hôte est plein',
  'help.webLink': 'affiche le lien que les téléphones ouvrent pour rejoindre un salon depuis leur navigateur (il faut `tamtam up --web` en marche)',
  'help.webLinkQr': 'affiche aussi le premier lien en code QR à scanner',
  'help.webLinkAfter': '\nChaque lien est l\'adresse du serveur web du nœud suivie de l\'invitation du salon après # : le navigateur du téléphone garde cette partie et ne l\'envoie jamais au serveur. Ne montrez le code QR qu\'aux personnes que vous invitez.',
  'web.links': 'les téléphones rejoignent {room} en ouvrant :',
  'error.WEB_NOT_RUNNING': 'aucun nœud ne sert les téléphones sur ce dossier : lancez-le avec `tamtam up --web`, puis recommencez',
  'tui.web': 'Les téléphones rejoignent {room} en ouvrant {link} (scannez le code QR ; ne le montrez qu\'aux personnes invitées).',
  'up.web': 'les téléphones peuvent rejoindre depuis un navigateur à {url} (ajouter l\'invitation du salon après #)',
  'error.PHONE_HANDSHAKE': 'la connexion du téléphone a envoyé un message de poignée de main illisible (autre version, ou abîmé) : rechargez la page',
  'error.PHONE_REFUSED': 'le téléphone et l\'hôte n\'ont pas pu prouver qu\'ils ont le même salon : vérifiez l\'invitation, ou rouvrez le lien que l\'hôte affiche',
  'error.PHONE_FRAME': 'un message de la connexion du téléphone ne s\'est pas déchiffré ou est arrivé dans le désordre ; la connexion a été fermée : rechargez la page',
  'error.PHONE_FRAME_TOO_LARGE': 'un message de la connexion du téléphone dépasse la limite de 64 Kio',
  'error.PHONE_QUOTA_EXCEEDED': 'ce téléphone a déjà stocké autant de documents que permis sur cet hôte : demandez à l\'hôte de relever la limite par téléphone, ou partagez depuis un ordinateur',
  'error.HOSTED_INVALID': 'le téléphone n\'a pas signé cet enregistrement pour ce journal et cette place : rechargez la page sur le téléphone'
}
